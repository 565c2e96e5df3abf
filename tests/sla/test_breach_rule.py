"""Issue 14: a clock is breached only when more than its target was used; stops and the sweep
apply the same rule, and a reopen after a priority change counts against the new target."""

import pytest

from sla.facts import reason_text
from sla.services import sla_sweep
from tests.factories import make_ticket
from tickets import services as ts
from tickets.models import Status, Ticket, TicketEvent

from .conftest import FOR_PRIORITY, clocks_of, cst

pytestmark = pytest.mark.django_db


def public_sla_events(ticket) -> list[str]:
    events = ticket.events.filter(kind=TicketEvent.Kind.SLA, is_internal=False)
    return [event.text for event in events]


def spring_festival_ticket(user):
    """P2 (response 60) filed on the make-up working Saturday 2026-02-14 at 17:00: due 18:00,
    then nine holidays; the first working minute after them is 2026-02-24 09:00."""
    return make_ticket(requester=user, now=cst(2, 14, 17), **FOR_PRIORITY[2])


def test_reply_on_a_holiday_after_the_due_instant_used_exactly_the_target(user_a1, agent_a):
    ticket = spring_festival_ticket(user_a1)
    response = clocks_of(ticket)["response"]
    assert (response.due_at, response.breach_at) == (cst(2, 14, 18), cst(2, 24, 9))
    assert Ticket.objects.get(pk=ticket.pk).sla_due_at == cst(2, 14, 18)  # due shown unchanged
    sla_sweep(now=cst(2, 16, 10))  # in the gap: warned (45 minutes used), not breached
    assert clocks_of(ticket)["response"].breached_at is None
    ts.ticket_reply(actor=agent_a, ticket=ticket, body="Looking into it", now=cst(2, 16, 10))
    response = clocks_of(ticket)["response"]
    assert (response.met, response.breached_at, response.elapsed_minutes) == (True, None, 60)
    assert public_sla_events(ticket) == []


def test_nobody_replies_over_the_holiday_breach_at_the_first_working_minute(user_a1, agent_a):
    ticket = spring_festival_ticket(user_a1)
    assert sla_sweep(now=cst(2, 14, 17, 50)) == 1  # the warning
    assert sla_sweep(now=cst(2, 24, 9)) == 0  # exactly 60 of 60 minutes used
    assert clocks_of(ticket)["response"].next_check_at == cst(2, 24, 9)
    assert sla_sweep(now=cst(2, 24, 9, 1)) == 1
    response = clocks_of(ticket)["response"]
    assert response.breached_at == cst(2, 24, 9)
    assert public_sla_events(ticket) == [
        "Response SLA breached at 2026-02-24 09:00 CST (target 60 business minutes)."
    ]
    ts.ticket_reply(actor=agent_a, ticket=ticket, body="Sorry", now=cst(2, 24, 9, 5))
    response = clocks_of(ticket)["response"]
    assert (response.met, response.breached_at) == (False, cst(2, 24, 9))
    assert len(public_sla_events(ticket)) == 1


def p1_resolution_due_at_noon(user):
    """P1 (resolution 240) filed Monday 17:00 on cn-std: 60 minutes Monday, 180 Tuesday by 12:00;
    lunch 12:00-13:00 does not count, so it is breached only after 13:00."""
    return make_ticket(requester=user, now=cst(3, 2, 17), **FOR_PRIORITY[1])


@pytest.mark.parametrize(
    ("resolved", "met", "breached_at"),
    [
        (cst(3, 3, 12, 30), True, None),
        (cst(3, 3, 13), True, None),
        (cst(3, 3, 13, 0, 1), False, cst(3, 3, 13)),
    ],
)
def test_resolution_across_the_lunch_break(user_a1, agent_a, resolved, met, breached_at):
    ticket = p1_resolution_due_at_noon(user_a1)
    resolution = clocks_of(ticket)["resolution"]
    assert (resolution.due_at, resolution.breach_at) == (cst(3, 3, 12), cst(3, 3, 13))
    ts.ticket_claim(actor=agent_a, ticket=ticket, now=cst(3, 2, 17, 1))
    ts.ticket_change_status(actor=agent_a, ticket=ticket, status=Status.RESOLVED, now=resolved)
    resolution = clocks_of(ticket)["resolution"]
    assert (resolution.met, resolution.breached_at) == (met, breached_at)


@pytest.mark.parametrize("first", ["sweep", "stop"])
def test_sweep_and_stop_agree_at_exactly_the_due_instant(user_a1, agent_a, first):
    """P1 filed Monday 09:00: response due 09:30 with business time running on after it."""
    ticket = make_ticket(requester=user_a1, now=cst(3, 2, 9), **FOR_PRIORITY[1])
    due = cst(3, 2, 9, 30)
    if first == "sweep":
        sla_sweep(now=due)  # flags the warning only
        assert clocks_of(ticket)["response"].breached_at is None
    ts.ticket_reply(actor=agent_a, ticket=ticket, body="On it", now=due)
    if first == "stop":
        sla_sweep(now=due)
    response = clocks_of(ticket)["response"]
    assert (response.met, response.breached_at) == (True, None)


def test_one_instant_later_both_say_breached(user_a1, agent_a):
    swept = make_ticket(requester=user_a1, now=cst(3, 2, 9), **FOR_PRIORITY[1])
    stopped = make_ticket(requester=user_a1, now=cst(3, 2, 9), **FOR_PRIORITY[1])
    later = cst(3, 2, 9, 30, 1)
    ts.ticket_reply(actor=agent_a, ticket=stopped, body="On it", now=later)
    sla_sweep(now=later)
    for ticket in (swept, stopped):
        assert clocks_of(ticket)["response"].breached_at == cst(3, 2, 9, 30)
    assert clocks_of(stopped)["response"].met is False


def test_reopen_after_a_priority_change_while_resolved_counts_against_the_new_target(
    user_a1, agent_a
):
    """P3 (resolution 1440) filed Monday 09:00, resolved at 10:00 after 60 minutes; raised to P1
    (240) while resolved; reopened Tuesday 09:00: 180 minutes left, the resolved night paused."""
    ticket = make_ticket(requester=user_a1, now=cst(3, 2, 9), **FOR_PRIORITY[3])
    ts.ticket_claim(actor=agent_a, ticket=ticket, now=cst(3, 2, 9, 1))
    ts.ticket_change_status(actor=agent_a, ticket=ticket, status=Status.RESOLVED, now=cst(3, 2, 10))
    ts.ticket_change_priority(actor=agent_a, ticket=ticket, priority=1, now=cst(3, 2, 15))
    resolution = clocks_of(ticket)["resolution"]
    assert (resolution.priority, resolution.target_minutes, resolution.met) == (3, 1440, True)
    ts.ticket_change_status(actor=user_a1, ticket=ticket, status=Status.REOPENED, now=cst(3, 3, 9))
    resolution = clocks_of(ticket)["resolution"]
    assert (resolution.priority, resolution.target_minutes) == (1, 240)
    assert (resolution.due_at, resolution.breach_at) == (cst(3, 3, 12), cst(3, 3, 13))
    assert resolution.pauses[-1]["reason"] == "resolved"
    assert Ticket.objects.get(pk=ticket.pk).sla_due_at == cst(3, 3, 12)
    assert resolution.history[-1]["old"] == 1440
    reason = reason_text(resolution.history[-1]["reason"])
    assert reason == "reopened; priority changed P3 → P1 while resolved"
