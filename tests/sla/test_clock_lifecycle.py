"""Clocks follow the ticket: start, pause while waiting, stop, reopen; sla_due_at follows them."""

import pytest

from tests.factories import make_ticket
from tickets import services as ts
from tickets.models import Status, Ticket, TicketEvent

from .conftest import FOR_PRIORITY, clocks_of, cst

pytestmark = pytest.mark.django_db

MON_9 = cst(3, 2, 9)  # Standard tier on cn-std, P3: response 240, resolution 1440 minutes


def p3_ticket(user, now=MON_9):
    return make_ticket(requester=user, now=now, **FOR_PRIORITY[3])


def due_on_ticket(ticket):
    return Ticket.objects.get(pk=ticket.pk).sla_due_at


def test_whole_life_with_waiting_reopen_and_late_resolution(user_a1, agent_a):
    ticket = p3_ticket(user_a1)
    clocks = clocks_of(ticket)
    assert clocks["response"].due_at == cst(3, 2, 14)  # 09-12 + 13-14
    assert clocks["resolution"].due_at == cst(3, 4, 18)  # three 8-hour days
    assert clocks["response"].tier_name == "Standard / 标准"
    assert due_on_ticket(ticket) == cst(3, 2, 14)

    ts.ticket_claim(actor=agent_a, ticket=ticket, now=cst(3, 2, 9, 30))
    ts.ticket_change_status(actor=agent_a, ticket=ticket, status=Status.WAITING, now=cst(3, 2, 10))
    clocks = clocks_of(ticket)
    assert clocks["response"].paused_since == cst(3, 2, 10)
    assert clocks["resolution"].paused_since == cst(3, 2, 10)
    assert clocks["resolution"].elapsed_minutes == 60
    assert due_on_ticket(ticket) is None

    # The requester's answer ends the wait: 10-12 and 13-15 (240 minutes) did not count.
    ts.ticket_reply(actor=user_a1, ticket=ticket, body="Here you go", now=cst(3, 2, 15))
    clocks = clocks_of(ticket)
    assert clocks["response"].due_at == cst(3, 2, 18)
    assert clocks["resolution"].due_at == cst(3, 5, 14)
    assert due_on_ticket(ticket) == cst(3, 2, 18)

    ts.ticket_reply(actor=agent_a, ticket=ticket, body="Looking at it", now=cst(3, 2, 16))
    clocks = clocks_of(ticket)
    assert (clocks["response"].stopped_at, clocks["response"].met) == (cst(3, 2, 16), True)
    assert clocks["response"].elapsed_minutes == 60 + 60
    assert clocks["resolution"].due_at == cst(3, 5, 14)
    assert due_on_ticket(ticket) == cst(3, 5, 14)

    ts.ticket_change_status(actor=agent_a, ticket=ticket, status=Status.RESOLVED, now=cst(3, 3, 10))
    resolution = clocks_of(ticket)["resolution"]
    assert (resolution.stopped_at, resolution.met) == (cst(3, 3, 10), True)
    assert due_on_ticket(ticket) is None

    # Reopened an hour later: that hour never counts, the elapsed time is kept.
    ts.ticket_change_status(actor=user_a1, ticket=ticket, status=Status.REOPENED, now=cst(3, 3, 11))
    resolution = clocks_of(ticket)["resolution"]
    assert (resolution.stopped_at, resolution.met) == (None, None)
    assert resolution.due_at == cst(3, 5, 15)
    assert due_on_ticket(ticket) == cst(3, 5, 15)

    ts.ticket_change_status(actor=agent_a, ticket=ticket, status=Status.RESOLVED, now=cst(3, 5, 16))
    resolution = clocks_of(ticket)["resolution"]
    assert resolution.met is False
    assert resolution.breached_at == cst(3, 5, 15)  # the true instant, not the stop
    sla_events = ticket.events.filter(kind=TicketEvent.Kind.SLA)
    assert sum("breached" in e.text for e in sla_events) == 1

    ts.ticket_change_status(actor=user_a1, ticket=ticket, status=Status.CLOSED, now=cst(3, 5, 17))
    assert clocks_of(ticket)["resolution"].stopped_at == cst(3, 5, 16)
    assert due_on_ticket(ticket) is None


def test_response_clock_stops_at_first_public_staff_reply_not_at_internal_note(user_a1, agent_a):
    ticket = p3_ticket(user_a1)
    ts.ticket_reply(actor=agent_a, ticket=ticket, body="note", internal=True, now=cst(3, 2, 9, 20))
    ts.ticket_reply(actor=user_a1, ticket=ticket, body="any news?", now=cst(3, 2, 9, 30))
    assert clocks_of(ticket)["response"].stopped_at is None
    ts.ticket_reply(actor=agent_a, ticket=ticket, body="On it", now=cst(3, 2, 9, 40))
    response = clocks_of(ticket)["response"]
    assert (response.stopped_at, response.met, response.elapsed_minutes) == (
        cst(3, 2, 9, 40),
        True,
        40,
    )


def test_replies_never_disturb_the_resolution_clock(user_a1, agent_a):
    ticket = p3_ticket(user_a1)
    before = clocks_of(ticket)["resolution"]
    ts.ticket_reply(actor=agent_a, ticket=ticket, body="Hello", now=cst(3, 2, 9, 10))
    ts.ticket_reply(actor=user_a1, ticket=ticket, body="Hi", now=cst(3, 2, 9, 20))
    after = clocks_of(ticket)["resolution"]
    assert (after.due_at, after.stopped_at, after.paused_since) == (before.due_at, None, None)


def test_late_first_reply_is_a_missed_response_dated_at_the_due_instant(user_a1, agent_a):
    ticket = p3_ticket(user_a1)
    ts.ticket_reply(actor=agent_a, ticket=ticket, body="Sorry", now=cst(3, 2, 15))
    response = clocks_of(ticket)["response"]
    assert (response.met, response.breached_at) == (False, cst(3, 2, 14))


def test_resolving_without_a_reply_also_stops_the_response_clock(user_a1, agent_a):
    ticket = p3_ticket(user_a1)
    ts.ticket_change_status(actor=agent_a, ticket=ticket, status=Status.RESOLVED, now=cst(3, 2, 10))
    clocks = clocks_of(ticket)
    assert (clocks["response"].stopped_at, clocks["response"].met) == (cst(3, 2, 10), True)
    assert (clocks["resolution"].stopped_at, clocks["resolution"].met) == (cst(3, 2, 10), True)


def test_cancelled_ticket_stops_both_clocks_neither_met_nor_missed(user_a1):
    ticket = p3_ticket(user_a1)
    ts.ticket_change_status(
        actor=user_a1, ticket=ticket, status=Status.CANCELLED, now=cst(3, 2, 9, 5)
    )
    clocks = clocks_of(ticket)
    assert [(c.stopped_at, c.met) for c in clocks.values()] == [(cst(3, 2, 9, 5), None)] * 2
    assert due_on_ticket(ticket) is None


def test_breached_resolution_clock_stays_breached_after_reopen(user_a1, agent_a):
    ticket = make_ticket(requester=user_a1, now=MON_9, **FOR_PRIORITY[1])  # resolution 240
    ts.ticket_change_status(actor=agent_a, ticket=ticket, status=Status.RESOLVED, now=cst(3, 2, 15))
    assert clocks_of(ticket)["resolution"].breached_at == cst(3, 2, 14)
    ts.ticket_change_status(actor=user_a1, ticket=ticket, status=Status.REOPENED, now=cst(3, 2, 16))
    resolution = clocks_of(ticket)["resolution"]
    assert resolution.breached_at == cst(3, 2, 14)
    ts.ticket_change_status(
        actor=agent_a, ticket=ticket, status=Status.RESOLVED, now=cst(3, 2, 16, 5)
    )
    assert clocks_of(ticket)["resolution"].met is False


def test_pause_spanning_a_weekend_and_holiday_week_counts_none_of_it(user_a1, agent_a):
    # National Day 2026: Oct 1-7 off, Saturday Oct 10 a make-up working day.
    ticket = make_ticket(requester=user_a1, now=cst(9, 30, 17), **FOR_PRIORITY[3])
    assert clocks_of(ticket)["response"].due_at == cst(10, 8, 12)  # 60 min on 9-30, 180 on 10-8
    ts.ticket_change_status(
        actor=agent_a, ticket=ticket, status=Status.WAITING, now=cst(9, 30, 17, 30)
    )
    ts.ticket_reply(actor=user_a1, ticket=ticket, body="back", now=cst(10, 9, 17))
    # 30 minutes used; the remaining 210: 17-18 on Friday 10-9, then 150 on make-up Saturday.
    assert clocks_of(ticket)["response"].due_at == cst(10, 10, 11, 30)
