"""`make faults`: parts of a private stack fail under way; what must hold afterwards is checked.

    redis     Redis killed while people file tickets, reply and sign in; restarted
    worker    the Celery worker SIGKILLed (with its pool) during an SLA sweep; restarted
    postgres  PostgreSQL stopped under load; started again, no app restart
    smtp      an SMTP server that accepts and never answers: the heartbeat/SLA schedule keeps
              time when mail has its own worker

`python tools/faults.py redis smtp` runs some; exits 1 when any check fails. Uses its own
PostgreSQL, Redis, gunicorn and workers on free loopback ports (tools/stack.py), never the
machine's shared servers.
"""

import os
import socket
import statistics
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tools.load_client import Agent, ApiClient, EndUser, Results, SignInAgain  # noqa: E402
from tools.stack import PASSWORD, Stack  # noqa: E402


def crowd_under_fault(stack, world, token, *, seconds, down_at, up_at, stop, start):
    """People working for `seconds`; `stop()` at down_at, `start()` at up_at (seconds from the
    start). Returns the results and the instants (monotonic) of the outage."""
    from django.utils import timezone

    from tools.load_checks import stored_tickets

    results = Results()
    results.allow_503 = True
    results.since, results.before = timezone.now(), set(stored_tickets())
    begin = time.monotonic()
    end = begin + seconds
    args = (results, end)
    crowd = [EndUser(stack.base_url, world["end_user"][n], PASSWORD, *args) for n in range(4)]
    crowd += [SignInAgain(stack.base_url, world["end_user"][n], PASSWORD, *args) for n in (4, 5)]
    crowd += [Agent(stack.base_url, world["agent"][n], PASSWORD, *args) for n in range(2)]
    crowd += [ApiClient(stack.base_url, world["end_user"][6], "", *args, token=token)]
    for person in crowd:
        person.think = (0.3, 1.0)
        person.start()
    time.sleep(max(0, begin + down_at - time.monotonic()))
    down = time.monotonic()
    stop()
    time.sleep(max(0, begin + up_at - time.monotonic()))
    start()
    up = time.monotonic()
    for person in crowd:
        person.join(seconds + 60)
    return results, down, up


def phases(results, down, up) -> str:
    """Answers before, during and after the outage, by status."""
    parts = []
    for name, lo, hi in (("before", 0, down), ("during", down, up), ("after", up, 1e18)):
        counts = {}
        for at, _kind, status in results.log:
            if lo <= at < hi:
                counts[status or "no answer"] = counts.get(status or "no answer", 0) + 1
        parts.append(
            f"{name}: " + ", ".join(f"{k}×{v}" for k, v in sorted(counts.items(), key=str))
        )
    return "; ".join(parts)


def after_checks(stack, results, *, drain_timeout=150):
    from tools.load_checks import (
        emails_once,
        outbox_drained,
        replies_once,
        tickets_once,
        unacknowledged,
    )

    drain_problems, waited = outbox_drained(
        stack.mail_dir, timeout=drain_timeout, since=results.since
    )
    problems = (
        tickets_once(results.created)
        + replies_once({**results.user_replies, **results.agent_replies})
        + emails_once(results.created, results.agent_replies)
        + drain_problems
        + [f"ERROR {e}" for e in results.errors[:10]]
    )
    lost = unacknowledged(results.created, results.before)
    return problems, waited, lost


def api_token(username):
    from clients.models import User
    from clients.services import api_token_create

    return api_token_create(actor=User.objects.get(username=username), name="faults")[1]


def fault_redis(stack, world):
    token = api_token(world["end_user"][6])
    results, down, up = crowd_under_fault(
        stack,
        world,
        token,
        seconds=45,
        down_at=10,
        up_at=28,
        stop=stack.redis_stop,
        start=stack.redis_start,
    )
    problems, waited, lost = after_checks(stack, results)
    figure = (
        f"Redis down {up - down:.0f} s of 45 s; {phases(results, down, up)}; "
        f"{len(results.created)} tickets filed ({lost} saved but unacknowledged), "
        f"{len(results.user_replies) + len(results.agent_replies)} replies; "
        f"outbox empty {waited:.0f} s after the end (beat's drain)"
    )
    return problems, figure


def fault_postgres(stack, world):
    token = api_token(world["end_user"][6])
    results, down, up = crowd_under_fault(
        stack,
        world,
        token,
        seconds=45,
        down_at=10,
        up_at=22,
        stop=lambda: stack.pg_stop("fast"),
        start=stack.pg_start,
    )
    from django.db import close_old_connections, connection

    close_old_connections()
    connection.close()  # this process's own connection died with the server
    after = [s for at, _k, s in results.log if at >= up + 3]
    problems, waited, lost = after_checks(stack, results)
    if not after or any(s >= 500 for s in after):
        problems.append(f"not recovered 3 s after the restart: {sorted(set(after))}")
    if lost:
        problems.append(f"{lost} tickets saved whose request answered an error")
    figure = (
        f"PostgreSQL down {up - down:.0f} s of 45 s; {phases(results, down, up)}; "
        f"clean 503 answers: {results.unavailable}; no gunicorn restart; "
        f"outbox empty {waited:.0f} s after the end"
    )
    return problems, figure


def fault_worker(stack, world):
    """Tickets whose clocks are long overdue; sweep, SIGKILL the worker mid-sweep, restart."""
    from celery import current_app
    from django.db.models import Count
    from django.utils import timezone

    from clients.models import User
    from sla.facts import BREACH
    from sla.models import SlaClock
    from tickets import services
    from tickets.models import TicketEvent

    stack.stop("beat")  # only our sweeps run
    past = timezone.now() - timedelta(days=10)
    users = list(User.objects.filter(username__in=world["end_user"][:10]))
    count = int(os.environ.get("FAULT_SWEEP_TICKETS", "1000"))
    ids = [
        services.ticket_create(
            actor=users[n % len(users)], subject=f"overdue {n}", description="x", now=past
        ).pk
        for n in range(count)
    ]
    clocks = SlaClock.objects.filter(ticket_id__in=ids)
    total = clocks.count()
    swept_at = timezone.now()
    current_app.send_task("sla.tasks.sla_sweep")
    deadline = time.monotonic() + 120
    flagged = 0
    while time.monotonic() < deadline:
        flagged = clocks.filter(breached_at__isnull=False).count()
        if flagged:
            break
        time.sleep(0.02)
    stack.worker_crash()
    at_kill = clocks.filter(breached_at__isnull=False).count()
    killed_at = time.monotonic()
    stack.worker_start()
    current_app.send_task("sla.tasks.sla_sweep")  # the next beat tick
    while time.monotonic() < killed_at + 180:
        if not clocks.filter(breached_at__isnull=True, breach_at__lt=swept_at).exists():
            break
        time.sleep(0.5)
    done = time.monotonic() - killed_at
    problems = []
    overdue = [c for c in clocks if c.breach_at < swept_at]
    wrong = sum(1 for c in overdue if c.breached_at != c.breach_at)
    early = clocks.filter(breach_at__gte=swept_at, breached_at__isnull=False).count()
    if wrong or early:
        problems.append(
            f"{wrong} of {len(overdue)} overdue clocks not flagged at their breach instant, "
            f"{early} flagged before their instant"
        )
    events = (
        TicketEvent.objects.filter(ticket_id__in=ids, kind=TicketEvent.Kind.SLA, data__fact=BREACH)
        .values("ticket_id", "data__kind")
        .annotate(n=Count("pk"))
    )
    per_clock = [row["n"] for row in events]
    if len(per_clock) != len(overdue) or set(per_clock) - {1}:
        problems.append(
            f"breach events for {len(per_clock)} clocks ({len(overdue)} overdue), "
            f"counts per clock {sorted(set(per_clock))}"
        )
    stack.beat_start()
    figure = (
        f"{count} tickets, {total} clocks of which {len(overdue)} overdue; worker SIGKILLed "
        f"(with its pool) mid-sweep with {at_kill} flagged; after the restart the next sweep "
        f"flagged the rest {done:.0f} s after the kill; {len(overdue) - wrong} flagged at their "
        f"true instant, one breach event per clock: {not problems}"
    )
    return problems, figure


def hung_server() -> tuple[socket.socket, int]:
    """Accepts connections and never answers (a hung SMTP server)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(128)
    held = []

    def accept():
        while True:
            try:
                held.append(server.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    return server, server.getsockname()[1]


def heartbeat_delays(seconds: float, every: float = 2.0) -> list[float]:
    """Send the heartbeat task (celery queue, as the SLA sweep) every few seconds and measure
    how long each waits before it runs."""
    from celery import current_app
    from django.db import close_old_connections
    from django.utils import timezone

    from itsm.models import Heartbeat

    delays = []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        sent = timezone.now()
        current_app.send_task("itsm.tasks.heartbeat")
        ran = None
        wait_until = time.monotonic() + 90
        while time.monotonic() < wait_until:
            close_old_connections()
            beat = Heartbeat.objects.filter(name="beat").first()
            if beat and beat.beat_at >= sent:
                ran = (beat.beat_at - sent).total_seconds()
                break
            time.sleep(0.1)
        delays.append(ran if ran is not None else 90.0)
        time.sleep(every)
    return delays


def fault_smtp(stack, world):
    from django.db import transaction

    from itsm.models import OutboundEmail
    from itsm.outbox import due_filter, email_enqueue

    server, port = hung_server()
    stack.stop("beat")
    saved = {k: stack.env.get(k) for k in ("EMAIL_BACKEND", "EMAIL_HOST", "EMAIL_PORT")}
    stack.env.update(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=str(port),
        EMAIL_TIMEOUT="5",
    )
    figures, problems = [], []
    try:
        for layout, workers in (
            ("one worker -Q celery,mail", [("worker", "celery,mail")]),
            ("worker -Q celery + mailer -Q mail", [("worker", "celery"), ("mailer", "mail")]),
        ):
            for name in ("worker", "mailer"):
                stack.stop(name)
            for name, queues in workers:
                stack.worker_start(queues=queues, name=name)
            time.sleep(8)  # workers up
            with transaction.atomic():
                for n in range(20):
                    email_enqueue(to=f"hung{n}@example.cn", subject="hung smtp", body=str(n))
            delays = heartbeat_delays(30)
            figures.append(
                f"{layout}: 20 emails to a hung server (EMAIL_TIMEOUT=5); heartbeat task "
                f"waited median {statistics.median(delays):.1f} s, max {max(delays):.1f} s"
            )
            if layout.startswith("worker -Q celery +") and max(delays) > 5:
                problems.append(f"{layout}: the schedule waited {max(delays):.1f} s for mail")
        stuck = OutboundEmail.objects.filter(sent_at__isnull=True, subject="hung smtp")
        tried = stuck.filter(attempts__gt=0)
        retry_now = tried.filter(due_filter(time_now() + timedelta(minutes=2))).count()
        figures.append(
            f"{stuck.count()} unsent; of the {tried.count()} tried, {retry_now} are due again at "
            "the next drain (the server never greeted: nothing was handed over)"
        )
        if retry_now != tried.count():
            problems.append("emails that never reached a hung server wait 30 minutes")
        OutboundEmail.objects.filter(subject="hung smtp").delete()  # not part of later checks
    finally:
        server.close()
        for name in ("worker", "mailer"):
            stack.stop(name)
        stack.env.update({k: v for k, v in saved.items() if v is not None})
        stack.env.pop("EMAIL_TIMEOUT", None)
        stack.worker_start()
        stack.beat_start()
    return problems, "; ".join(figures)


def time_now():
    from django.utils import timezone

    return timezone.now()


FAULTS = {
    "redis": fault_redis,
    "worker": fault_worker,
    "postgres": fault_postgres,
    "smtp": fault_smtp,
}


def main(names: list[str]) -> int:
    names = names or list(FAULTS)
    unknown = set(names) - set(FAULTS)
    if unknown:
        print(f"unknown faults {sorted(unknown)}; choose from {list(FAULTS)}")
        return 2
    stack = Stack(env={"TRUSTED_PROXY_COUNT": "1"})
    failed = False
    try:
        stack.up(beat=True)
        stack.django()
        from tools.load_world import seed_world

        world = seed_world(PASSWORD)
        for name in names:
            print(f"[{name}] uptime: {os.popen('uptime').read().strip()}", flush=True)
            started = time.monotonic()
            problems, figure = FAULTS[name](stack, world)
            print(f"[{name}] {figure} ({time.monotonic() - started:.0f} s)")
            for problem in problems:
                print(f"[{name}] CHECK FAILED {problem}")
            print(f"[{name}] {'OK' if not problems else 'FAILED'}", flush=True)
            failed |= bool(problems)
    finally:
        stack.close(keep=bool(os.environ.get("LOAD_KEEP")))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
