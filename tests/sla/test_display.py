"""What people see: the clocks partial with its ledger, and the queue's time-left filter."""

from datetime import timedelta

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from clients.models import User
from sla.selectors import sla_clocks_for
from tests.factories import make_ticket
from tickets import services as ts
from tickets.models import Status
from tickets.presenters import due_html, time_left_label

from .conftest import FOR_PRIORITY, cst

pytestmark = pytest.mark.django_db


@pytest.fixture
def worked_ticket(user_a1, agent_a):
    """P3 at Monday 09:00; answered 09:45, waited 10:00-11:00, raised to P2 at 11:30."""
    ticket = make_ticket(requester=user_a1, now=cst(3, 2, 9), **FOR_PRIORITY[3])
    ts.ticket_reply(actor=agent_a, ticket=ticket, body="Fixed soon", now=cst(3, 2, 9, 45))
    ts.ticket_change_status(actor=agent_a, ticket=ticket, status=Status.WAITING, now=cst(3, 2, 10))
    ts.ticket_change_status(
        actor=agent_a, ticket=ticket, status=Status.IN_PROGRESS, now=cst(3, 2, 11)
    )
    ts.ticket_change_priority(actor=agent_a, ticket=ticket, priority=2, now=cst(3, 2, 11, 30))
    return ticket


def test_clock_views_carry_targets_states_and_a_ledger(worked_ticket, agent_a):
    response, resolution = sla_clocks_for(user=agent_a, ticket=worked_ticket, now=cst(3, 2, 14))
    assert (response.kind, response.state, response.met, response.used_minutes) == (
        "response",
        "stopped",
        True,
        45.0,
    )
    assert (response.target_minutes, response.time_left, response.css) == (240, "met", "met")
    assert (resolution.state, resolution.target_minutes, resolution.tier_name) == (
        "running",
        480,
        "Standard / 标准",
    )
    # 480 minutes from 09:00 with the 10-11 wait not counting: Tuesday 10:00.
    assert resolution.due_at.isoformat() == "2026-03-03T10:00:00+08:00"
    assert resolution.used_minutes == 60 + 60 + 60  # 9-10, 11-12, 13-14
    assert [(e.label, e.minutes) for e in resolution.ledger] == [
        ("working time", 60.0),
        ("paused: waiting on the user", 60.0),
        ("working time", 60.0),
        ("target 1440 → 480 business minutes (priority P3 → P2)", None),
        ("outside working hours", 60.0),
        ("working time", 60.0),
    ]
    assert resolution.ledger[3].start == cst(3, 2, 11, 30)


def test_partial_renders_both_clocks_with_their_ledgers(worked_ticket, agent_a):
    clocks = sla_clocks_for(user=agent_a, ticket=worked_ticket, now=cst(3, 2, 14))
    html = render_to_string("sla/_clocks.html", {"sla_clocks": clocks})
    assert "Response SLA" in html and "Resolution SLA" in html
    assert "Tier Standard / 标准 · calendar China office hours" in html
    assert "2026-03-03 10:00 (Asia/Shanghai)" in html  # in the calendar's zone
    assert "paused: waiting on the user" in html
    assert "target 1440 → 480 business minutes (priority P3 → P2)" in html
    assert "Stopped at 2026-03-02 09:45" in html


def test_paused_clock_shows_paused(user_a1, agent_a):
    ticket = make_ticket(requester=user_a1, now=cst(3, 2, 9), **FOR_PRIORITY[3])
    ts.ticket_change_status(actor=agent_a, ticket=ticket, status=Status.WAITING, now=cst(3, 2, 10))
    response, resolution = sla_clocks_for(user=agent_a, ticket=ticket, now=cst(3, 2, 12))
    assert (response.state, response.time_left, response.used_minutes) == ("paused", "paused", 60)
    assert resolution.ledger[-1].label == "paused: waiting on the user"
    html = render_to_string("sla/_clocks.html", {"sla_clocks": [response]})
    assert "paused while waiting on the user" in html


def test_clock_cards_name_the_unit_of_target_and_used(worked_ticket, agent_a):
    response, resolution = sla_clocks_for(user=agent_a, ticket=worked_ticket, now=cst(3, 2, 14))
    assert (response.target_label, response.used_label) == ("4 h", "45 min")
    assert (resolution.target_label, resolution.used_label) == ("8 h", "3 h")
    html = render_to_string("sla/_clocks.html", {"sla_clocks": [response]})
    assert "Target 4 h of business time · used 45 min" in html


def test_clocks_are_visible_to_the_client_side_but_not_to_another_tenant(
    worked_ticket, user_a1, manager_a, user_b1, manager_b, agent_b
):
    assert len(sla_clocks_for(user=user_a1, ticket=worked_ticket)) == 2
    assert len(sla_clocks_for(user=manager_a, ticket=worked_ticket)) == 2
    for outsider in (user_b1, manager_b, agent_b):
        assert sla_clocks_for(user=outsider, ticket=worked_ticket) == []


def test_selector_cost_does_not_grow_with_the_ledger(
    worked_ticket, agent_a, django_assert_num_queries
):
    sla_clocks_for(user=agent_a, ticket=worked_ticket)  # warm the calendar spec cache
    agent = User.objects.get(pk=agent_a.pk)
    with django_assert_num_queries(2):  # served clients, clocks with their calendar
        sla_clocks_for(user=agent, ticket=worked_ticket, now=cst(4, 30, 9))


@pytest.mark.parametrize(
    ("due_in", "label", "css"),
    [
        (timedelta(hours=2, minutes=15, seconds=30), "2h 15m left", ""),
        (timedelta(minutes=35, seconds=10), "35m left", "warning"),
        (timedelta(days=3, hours=4, minutes=5), "3d 4h left", ""),
        (timedelta(seconds=20), "<1m left", "warning"),
        (-timedelta(minutes=35), "overdue 35m", "overdue"),
    ],
)
def test_time_left_label(due_in, label, css):
    now = cst(3, 2, 9)
    assert time_left_label(now + due_in, now) == (label, css)


def test_due_html_renders_label_and_class():
    now = timezone.now()
    html = due_html(now - timedelta(minutes=35, seconds=5), now)
    assert '<span class="sla-due overdue"' in html and ">overdue 35m</span>" in html
    assert due_html(None, now) == "—"
