"""The sweep flags warnings and breaches once, at their true instants, and never paused clocks."""

from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from sla import services
from sla.models import SlaClock
from sla.services import sla_sweep
from sla.tasks import sla_sweep as sla_sweep_task
from tests.factories import make_ticket
from tickets import services as ts
from tickets.models import Status, Ticket, TicketEvent

from .conftest import FOR_PRIORITY, assign, clocks_of, cst, make_tier

pytestmark = pytest.mark.django_db

MON_9 = cst(3, 2, 9)  # P1 on the Standard tier: response 30 (warning 22.5), resolution 240


def p1_ticket(user, now=MON_9):
    return make_ticket(requester=user, now=now, **FOR_PRIORITY[1])


def sla_events(ticket):
    return [(e.text, e.is_internal) for e in ticket.events.filter(kind=TicketEvent.Kind.SLA)]


def test_warning_then_breach_are_flagged_once_with_their_true_instants(user_a1):
    ticket = p1_ticket(user_a1)
    assert sla_sweep(now=cst(3, 2, 9, 20)) == 0
    assert sla_sweep(now=cst(3, 2, 9, 25)) == 1
    assert sla_sweep(now=cst(3, 2, 9, 26)) == 0
    response = clocks_of(ticket)["response"]
    assert (response.warned_at, response.breached_at) == (cst(3, 2, 9, 22, 30), None)
    assert sla_sweep(now=cst(3, 2, 9, 31)) == 1
    assert sla_sweep(now=cst(3, 2, 9, 32)) == 0
    response = clocks_of(ticket)["response"]
    assert response.breached_at == cst(3, 2, 9, 30)
    assert response.next_check_at is None  # nothing left to flag on it
    assert sla_events(ticket) == [
        (
            "Response SLA warning: 75% of the 30-minute target used at 2026-03-02 09:22 CST; "
            "due 2026-03-02 09:30 CST.",
            True,
        ),
        ("Response SLA breached at 2026-03-02 09:30 CST (target 30 business minutes).", False),
    ]
    # Flags do not move the queue order: the overdue clock still runs.
    assert Ticket.objects.get(pk=ticket.pk).sla_due_at == cst(3, 2, 9, 30)


def test_catch_up_after_an_outage_records_the_true_instants(user_a1):
    ticket = p1_ticket(user_a1)
    assert sla_sweep(now=cst(3, 2, 10, 30)) == 1  # the worker was down for an hour
    response = clocks_of(ticket)["response"]
    assert (response.warned_at, response.breached_at) == (cst(3, 2, 9, 22, 30), cst(3, 2, 9, 30))
    assert len(sla_events(ticket)) == 2
    assert sla_sweep(now=cst(3, 2, 15)) == 1
    resolution = clocks_of(ticket)["resolution"]
    assert (resolution.warned_at, resolution.breached_at) == (cst(3, 2, 12), cst(3, 2, 14))


def test_paused_clocks_are_never_flagged_and_resume_with_their_due_pushed(user_a1, agent_a):
    ticket = p1_ticket(user_a1)
    ts.ticket_change_status(
        actor=agent_a, ticket=ticket, status=Status.WAITING, now=cst(3, 2, 9, 10)
    )
    assert sla_sweep(now=cst(3, 3, 12)) == 0
    assert all(
        c.next_check_at is None and c.breached_at is None for c in clocks_of(ticket).values()
    )
    ts.ticket_reply(actor=user_a1, ticket=ticket, body="done", now=cst(3, 3, 9))
    assert clocks_of(ticket)["response"].due_at == cst(3, 3, 9, 20)  # 10 used, 20 left
    sla_sweep(now=cst(3, 3, 9, 25))
    assert clocks_of(ticket)["response"].breached_at == cst(3, 3, 9, 20)


def test_stopped_clocks_are_not_flagged(user_a1, agent_a):
    ticket = p1_ticket(user_a1)
    ts.ticket_reply(actor=agent_a, ticket=ticket, body="hello", now=cst(3, 2, 9, 10))
    sla_sweep(now=cst(3, 2, 10))
    response = clocks_of(ticket)["response"]
    assert (response.warned_at, response.breached_at, response.met) == (None, None, True)


def test_a_flag_already_set_is_not_reported_set_again(user_a1):
    ticket = p1_ticket(user_a1)
    sla_sweep(now=cst(3, 2, 9, 31))
    flagged = SlaClock.objects.get(ticket=ticket, kind="response")
    # What a sweep holding a copy read before the first one committed would write.
    with transaction.atomic():
        again = services.flag_set(
            "breached_at", "breach_at", [flagged.pk], cst(3, 2, 9, 40), strict=True
        )
    assert again == set()
    assert SlaClock.objects.get(pk=flagged.pk).breached_at == cst(3, 2, 9, 30)
    assert len(sla_events(ticket)) == 2


def test_sweep_cost_grows_with_due_clocks_not_with_open_clocks(user_a1):
    def queries(now) -> int:
        with CaptureQueriesContext(connection) as captured:
            sla_sweep(now=now)
        return len(captured)

    for _ in range(3):
        p1_ticket(user_a1, now=cst(3, 3, 9))
    idle = queries(cst(3, 2, 9, 5))
    for _ in range(20):
        p1_ticket(user_a1, now=cst(3, 3, 9))
    assert queries(cst(3, 2, 9, 5)) == idle  # 20 more open clocks cost nothing
    for _ in range(2):
        p1_ticket(user_a1, now=cst(3, 2, 8))  # response due at 09:30
    two_due = queries(cst(3, 2, 9, 35))
    for _ in range(4):
        p1_ticket(user_a1, now=cst(3, 2, 8))
    four_due = queries(cst(3, 2, 9, 35))
    # Per batch of up to 500 tickets: lock them, read their clocks and calendars, one conditional
    # UPDATE per flag (warning, breach), write the next checks, insert the events; and for the
    # warned clocks' notifications read the tickets and, unassigned here, the teams serving the
    # client (none: no notification is written); for the group robots, one query each for the
    # warned and the breached clocks (robots of teams serving their client: none here).
    assert two_due - idle == 11
    assert four_due == two_due


def test_the_celery_task_sweeps_with_the_current_time(client_a, user_a1):
    tiny = make_tier("Tiny", calendar="24x7", targets={p: (1, 2) for p in (1, 2, 3, 4)})
    assign(tiny, client=client_a)
    created = timezone.now() - timedelta(minutes=5)
    ticket = make_ticket(requester=user_a1, now=created)
    sla_sweep_task.delay()
    assert clocks_of(ticket)["resolution"].breached_at == created + timedelta(minutes=2)
