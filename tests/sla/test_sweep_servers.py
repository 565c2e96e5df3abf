"""The sweep on real servers: concurrent sweeps on PostgreSQL, and beat + a worker on Redis."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from itsm.models import OutboundEmail
from sla import services
from sla.models import (
    BusinessCalendar,
    EscalationRule,
    RuleFiring,
    ServiceTier,
    SlaClock,
    TierTarget,
)
from tests import factories as f
from tests.servers import require_postgres, require_redis
from tests.worker import celery_process, wait_for
from tickets.models import TicketEvent

from .conftest import assign

pytestmark = [pytest.mark.server, pytest.mark.django_db(transaction=True)]


def tiny_tier_for(client, minutes: int) -> ServiceTier:
    """A 24x7 tier of its own: transactional tests flush the built-in data between tests."""
    always = "00:00-24:00"
    calendar = BusinessCalendar.objects.create(
        code=f"always-{client.code.lower()}",
        name="Always",
        **dict.fromkeys(("mon", "tue", "wed", "thu", "fri", "sat", "sun"), always),
    )
    tier = ServiceTier.objects.create(name=f"Tiny {client.code}", calendar=calendar)
    TierTarget.objects.bulk_create(
        TierTarget(tier=tier, priority=p, response_minutes=minutes, resolution_minutes=minutes)
        for p in (1, 2, 3, 4)
    )
    assign(tier, client=client)
    return tier


def test_two_concurrent_sweeps_flag_each_clock_exactly_once(monkeypatch):
    require_postgres()
    client = f.make_client(code="RACE")
    f.make_agreement(client=client)
    user = f.make_user(client=client, site=f.make_site(client=client))
    tiny_tier_for(client, minutes=1)
    for kind in ("response", "resolution"):
        EscalationRule.objects.create(
            name=kind,
            clock_kind=kind,
            trigger="breach",
            action="notify_address",
            address="duty@provider.cn",
        )
    opened = timezone.now() - timedelta(hours=1)
    tickets = [f.make_ticket(requester=user, now=opened) for _ in range(40)]
    OutboundEmail.objects.all().delete()
    monkeypatch.setattr(services, "SWEEP_BATCH", 3)  # many small batches: the sweeps interleave
    barrier, results, errors = threading.Barrier(2), [], []

    def sweep():
        try:
            barrier.wait()
            results.append(services.sla_sweep(now=timezone.now()))
        except Exception as exc:  # surfaced below; a thread cannot fail the test itself
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors
    clocks = SlaClock.objects.filter(ticket__in=tickets)
    assert sum(results) == clocks.count() == 80
    assert all(results), f"one sweep did all the work: {results}"
    assert all(c.breached_at == c.due_at and c.warned_at == c.warn_at for c in clocks)
    # Breach events are the public SLA events (warnings and escalations are internal).
    breaches = TicketEvent.objects.filter(kind="sla", is_internal=False, ticket__in=tickets)
    assert breaches.count() == 80
    assert RuleFiring.objects.count() == OutboundEmail.objects.count() == 80


def racing_sweeps(now) -> list[int]:
    """Two sweeps started together at `now`; returns what each flagged."""
    barrier, results, errors = threading.Barrier(2), [], []

    def sweep():
        try:
            barrier.wait()
            results.append(services.sla_sweep(now=now))
        except Exception as exc:  # surfaced below; a thread cannot fail the test itself
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors
    return results


def test_racing_sweeps_with_percent_rules_flag_each_breach_once(monkeypatch):
    """Percent rules bring breached clocks back to the sweep (150% comes after the breach)."""
    require_postgres()
    client = f.make_client(code="PCT")
    f.make_agreement(client=client)
    user = f.make_user(client=client, site=f.make_site(client=client))
    tiny_tier_for(client, minutes=60)
    for kind in ("response", "resolution"):
        for trigger, percent in (("breach", None), ("percent", 50), ("percent", 150)):
            EscalationRule.objects.create(
                name=f"{kind} {trigger} {percent}",
                clock_kind=kind,
                trigger=trigger,
                percent=percent,
                action="notify_address",
                address="duty@provider.cn",
            )
    now = timezone.now()
    # 60-minute target opened 80 minutes ago: 50% and the breach passed, 150% in 10 minutes.
    tickets = [f.make_ticket(requester=user, now=now - timedelta(minutes=80)) for _ in range(30)]
    monkeypatch.setattr(services, "SWEEP_BATCH", 3)
    first = racing_sweeps(now)
    second = racing_sweeps(now + timedelta(minutes=15))
    assert sum(first) == sum(second) == 60
    clocks = SlaClock.objects.filter(ticket__in=tickets)
    assert all(c.breached_at == c.breach_at == c.due_at for c in clocks)
    breaches = TicketEvent.objects.filter(kind="sla", is_internal=False, ticket__in=tickets)
    assert breaches.count() == 60
    assert RuleFiring.objects.count() == 180


def test_beat_and_a_worker_flag_a_breach_without_anyone_calling_the_sweep(tmp_path):
    require_postgres()
    require_redis()
    client = f.make_client(code="BEAT")
    f.make_agreement(client=client)
    user = f.make_user(client=client, site=f.make_site(client=client))
    tiny_tier_for(client, minutes=1)
    # Opened a minute ago with a one-minute target: due now, so beat's next tick finds it.
    ticket = f.make_ticket(requester=user, now=timezone.now() - timedelta(minutes=1))
    with celery_process("worker", "-B", "--pool=solo", "--without-heartbeat", tmp_path=tmp_path):
        clock = wait_for(
            lambda: SlaClock.objects.filter(
                ticket=ticket, kind="resolution", breached_at__isnull=False
            ).first(),
            timeout=100,
            interval=1,
        )
    log = (tmp_path / "worker.log").read_text()
    assert clock is not None, f"beat never swept; worker log:\n{log[-3000:]}"
    assert clock.breached_at == clock.due_at
    assert "sla.tasks.sla_sweep" in log
