"""Benchmark the SLA sweep: 200,000 open clocks of which 100, then 1,000 are due, without and
with two "notify team lead" rules; then the rate at which the mail task renders and sends the
escalation emails the sweep stored (locmem backend, so SMTP itself is not measured).

Run against PostgreSQL: DATABASE_URL=postgres://... SECRET_KEY=x python bench/bench_sla_sweep.py
BENCH_SLA_TICKETS=20000 seeds fewer tickets (2 clocks each) on a busy machine.
The data lives under one client of its own and is dropped at the end.
"""

import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

# Run as a plain script, so the project root is not on the import path by default.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "itsm.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core import mail  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from clients.models import Client, Site, Team, User  # noqa: E402
from itsm.models import OutboundEmail  # noqa: E402
from itsm.outbox import outbound_email_send  # noqa: E402
from itsm.tenancy import Role  # noqa: E402
from sla.models import (  # noqa: E402
    BusinessCalendar,
    EscalationRule,
    HeldNotification,
    RuleFiring,
    ServiceTier,
    SlaClock,
)
from sla.services import sla_sweep  # noqa: E402
from tickets.models import Ticket, TicketCounter, TicketEvent  # noqa: E402

TICKETS = int(os.environ.get("BENCH_SLA_TICKETS", "100000"))  # x 2 clocks
DUE_COUNTS = (0, 100, 1_000)
RUNS = 7
BATCH = 10_000
CODE = "BENCHSLA"
NOW = timezone.now()


def seed() -> tuple[Client, list[int]]:
    """Bulk-create the tickets and their clocks; returns the client and the clock ids by ticket."""
    client = Client.objects.create(code=CODE, name="SLA sweep benchmark")
    site = Site.objects.create(client=client, name="bench")
    user = User.objects.create(username="bench-sla", role=Role.END_USER, client=client, site=site)
    agent = User.objects.create(username="bench-sla-agent", role=Role.AGENT, email="a@bench.cn")
    team = Team.objects.create(name="bench-sla-team", lead=agent)
    team.clients.add(client)
    tier = ServiceTier.objects.get(is_default=True)
    calendar = BusinessCalendar.objects.get(code="cn-std")
    far = NOW + timedelta(days=30)
    for first in range(0, TICKETS, BATCH):
        with transaction.atomic():
            tickets = Ticket.objects.bulk_create(
                Ticket(
                    client=client,
                    site=site,
                    reference=f"{CODE}-{n:07d}",
                    number=n,
                    requester=user,
                    created_by=user,
                    assignee=agent,
                    team=team,
                    subject="bench",
                    description="bench",
                    priority=3,
                    status="in_progress",
                    sla_due_at=far,
                )
                for n in range(first + 1, min(first + BATCH, TICKETS) + 1)
            )
            SlaClock.objects.bulk_create(
                SlaClock(
                    client=client,
                    ticket=ticket,
                    kind=kind,
                    tier=tier,
                    tier_name=tier.name,
                    calendar=calendar,
                    priority=3,
                    target_minutes=1440,
                    warning_percent=75,
                    started_at=NOW - timedelta(hours=1),
                    due_at=far,
                    breach_at=far,
                    warn_at=far - timedelta(days=5),
                    next_check_at=far - timedelta(days=5),
                )
                for ticket in tickets
                for kind in SlaClock.Kind.values
            )
    TicketCounter.objects.create(client=client, last_number=TICKETS)
    ids = list(
        SlaClock.objects.filter(client=client, kind="resolution")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return client, ids


def make_due(clock_ids: list[int]) -> None:
    """Warned earlier, due a minute ago, not yet flagged: what a sweep finds each minute."""
    SlaClock.objects.filter(pk__in=clock_ids).update(
        warn_at=NOW - timedelta(minutes=30),
        warned_at=NOW - timedelta(minutes=30),
        due_at=NOW - timedelta(minutes=1),
        breach_at=NOW - timedelta(minutes=1),
        next_check_at=NOW - timedelta(minutes=1),
        breached_at=None,
    )


def reset(client: Client, clock_ids: list[int]) -> None:
    make_due(clock_ids)
    TicketEvent.objects.filter(client=client).delete()
    RuleFiring.objects.filter(client=client).delete()
    OutboundEmail.objects.filter(to="a@bench.cn").delete()


def time_sweeps(client: Client, clock_ids: list[int]) -> tuple[float, int]:
    timings, flagged = [], 0
    for _ in range(RUNS):
        reset(client, clock_ids)
        began = time.perf_counter()
        flagged = sla_sweep(now=NOW)
        timings.append((time.perf_counter() - began) * 1000)
    return statistics.median(timings), flagged


def delivery_rate(client: Client, clock_ids: list[int]) -> tuple[int, float]:
    """Sweep once, then render and send every stored email as the mail task does: rows/s."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    reset(client, clock_ids)
    sla_sweep(now=NOW)
    ids = list(OutboundEmail.objects.filter(to="a@bench.cn").values_list("pk", flat=True))
    began = time.perf_counter()
    sent = sum(outbound_email_send(email_id=pk) for pk in ids)
    seconds = time.perf_counter() - began
    mail.outbox = []
    return sent, sent / seconds if seconds else 0.0


def drop(client: Client) -> None:
    """Raw deletes: cascading 300,000 rows through the ORM collector would take minutes."""
    tables = [TicketEvent, HeldNotification, RuleFiring, SlaClock, Ticket, TicketCounter]
    with transaction.atomic(), connection.cursor() as cursor:
        for model in tables:
            cursor.execute(f"DELETE FROM {model._meta.db_table} WHERE client_id = %s", [client.pk])  # noqa: S608
        EscalationRule.objects.filter(name__startswith="bench ").delete()
        OutboundEmail.objects.filter(to="a@bench.cn").delete()
        Team.objects.filter(name="bench-sla-team").delete()
        User.objects.filter(username__startswith="bench-sla").delete()
        Site.objects.filter(client=client).delete()
        client.delete()


def main() -> None:
    if connection.vendor != "postgresql":
        print(f"warning: running on {connection.vendor}; the targets are for PostgreSQL")
    leftover = Client.objects.filter(code=CODE).first()
    if leftover is not None:  # an interrupted earlier run
        drop(leftover)
    began = time.perf_counter()
    client, resolution_ids = seed()
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {SlaClock._meta.db_table}; ANALYZE {Ticket._meta.db_table}")
    seconds = time.perf_counter() - began
    print(f"seeded {TICKETS:,} tickets, {2 * TICKETS:,} open clocks in {seconds:.1f} s")
    try:
        sla_sweep(now=NOW)  # warm: calendar spec, connection, query plans
        print(
            f"{'due clocks':>10} {'rules':>6} {'median ms':>10} {'flagged':>8}   ({RUNS} runs each)"
        )
        for with_rules in (False, True):
            if with_rules:
                for kind in SlaClock.Kind.values:
                    EscalationRule.objects.create(
                        name=f"bench {kind}",
                        clock_kind=kind,
                        trigger="breach",
                        action="notify_team_lead",
                    )
            for due in DUE_COUNTS:
                # Spread the due clocks over the whole table rather than one corner of it.
                ids = resolution_ids[:: len(resolution_ids) // due][:due] if due else []
                median, flagged = time_sweeps(client, ids)
                print(
                    f"{due:>10,} {'yes' if with_rules else 'no':>6} {median:>10.1f} {flagged:>8,}"
                )
                if with_rules and due == DUE_COUNTS[-1]:
                    sent, rate = delivery_rate(client, ids)
                    SlaClock.objects.filter(pk__in=ids).update(next_check_at=None)
                    print(f"email delivery: {sent:,} rendered and sent, {rate:,.0f} rows/s")
                SlaClock.objects.filter(pk__in=ids).update(next_check_at=None)
    finally:
        drop(client)
        print("benchmark data dropped")


if __name__ == "__main__":
    main()
