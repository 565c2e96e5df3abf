"""The client manager's ticket list filters by SLA state, rating, site, priority and dates."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sla.models import SlaClock
from tests.factories import make_ticket
from tickets import services
from tickets.models import Status, Ticket

pytestmark = pytest.mark.django_db
URL = reverse("tickets:ticket-client-list")
SHANGHAI = ZoneInfo("Asia/Shanghai")


def created_on(ticket, day: int) -> None:
    Ticket.objects.filter(pk=ticket.pk).update(
        created_at=datetime(2026, 3, day, 9, tzinfo=SHANGHAI)
    )


def resolve(ticket, agent):
    for status in (Status.IN_PROGRESS, Status.RESOLVED):
        ticket = services.ticket_change_status(actor=agent, ticket=ticket, status=status)
    return ticket


@pytest.fixture
def world(user_a1, user_a2, agent_a, ticket_b1):
    running = make_ticket(requester=user_a1, subject="running one", impact=1, urgency=1)
    breached = make_ticket(requester=user_a2, subject="breached one")
    SlaClock.objects.filter(ticket=breached).update(
        breached_at=datetime(2026, 3, 5, tzinfo=SHANGHAI)
    )
    met = resolve(make_ticket(requester=user_a1, subject="met one"), agent_a)
    services.ticket_rate(actor=user_a1, ticket=met, score=5, comment="")
    low = resolve(make_ticket(requester=user_a2, subject="low one"), agent_a)
    services.ticket_rate(actor=user_a2, ticket=low, score=2, comment="")
    for ticket, day in ((running, 1), (breached, 10), (met, 20), (low, 31)):
        created_on(ticket, day)
    assert SlaClock.objects.filter(ticket=running).exists(), "the default tier gives clocks"
    return {"running": running, "breached": breached, "met": met, "low": low}


def subjects(web, **params) -> set[str]:
    response = web.get(URL, params)
    assert response.status_code == 200
    return {t.subject for t in response.context["page"]}


def test_filters_narrow_the_list(login, manager_a, world, site_a, site_a2):
    web = login(manager_a)
    assert subjects(web) == {"running one", "breached one", "met one", "low one"}
    assert subjects(web, sla="breached") == {"breached one"}
    assert subjects(web, sla="running") == {"running one"}
    assert subjects(web, sla="met") == {"met one", "low one"}
    assert subjects(web, rating="5") == {"met one"}
    assert subjects(web, rating="2") == {"low one"}
    assert subjects(web, rating="unrated") == {"running one", "breached one"}
    assert subjects(web, site=site_a2.pk) == {"breached one", "low one"}
    assert subjects(web, priority=world["running"].priority) >= {"running one"}
    assert subjects(web, **{"from": "2026-03-10", "to": "2026-03-20"}) == {
        "breached one",
        "met one",
    }
    assert subjects(web, **{"from": "2026-03-31"}) == {"low one"}
    assert subjects(web, sla="met", rating="2", site=site_a2.pk) == {"low one"}


@pytest.mark.parametrize(
    "params",
    [
        {"sla": "late"},
        {"rating": "9"},
        {"rating": "²"},
        {"site": "abc"},
        {"site": "99999999999999999999999"},
        {"priority": "77"},
        {"from": "2026-02-30"},
        {"to": "\x00"},
        {"from": "x" * 5000},
    ],
)
def test_bad_values_never_fail(login, manager_a, world, params):
    response = login(manager_a).get(URL, params)
    assert response.status_code == 200


def test_an_unreadable_date_is_named_and_ignored(login, manager_a, world):
    response = login(manager_a).get(URL, {"from": "2026-02-30"})
    assert "A date was not understood" in response.content.decode()
    assert len(response.context["page"]) == 4


def test_another_clients_site_shows_nothing(login, manager_b, world, site_a):
    assert subjects(login(manager_b), site=site_a.pk) == set()
    assert subjects(login(manager_b)) == {"Ticket of B1 邮件"}


def test_filtered_list_costs_the_same_queries_at_any_size(login, manager_a, user_a1, agent_a):
    web = login(manager_a)
    params = {"sla": "running", "rating": "unrated", "priority": "3", "from": "2020-01-01"}

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert web.get(URL, params).status_code == 200
        return len(ctx.captured_queries)

    for _ in range(5):
        make_ticket(requester=user_a1)
    small = count()
    for _ in range(60):
        make_ticket(requester=user_a1)
    assert count() == small
