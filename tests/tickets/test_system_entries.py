"""System timeline entries (SLA re-targets, rule escalations, automatic closing) are the desk's
information: staff see them, the requester and the client manager do not (pages and API)."""

import pytest
from django.urls import reverse

from tickets import selectors, services
from tickets.models import TicketEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def entries(agent_a, ticket_a1):
    services.ticket_reply(actor=agent_a, ticket=ticket_a1, body="public words")
    services.event_record(
        ticket=ticket_a1,
        actor=None,
        kind=TicketEvent.Kind.SLA,
        body="SLA-RETARGET resolution target moved",
    )
    services.ticket_system_raise_priority(
        ticket=ticket_a1, reason="ESCALATION-RULE P1 warn", now=ticket_a1.created_at
    )
    return ticket_a1


def bodies(events):
    return {e.body for e in events}


def test_staff_see_system_entries(agent_a, entries):
    seen = bodies(selectors.ticket_events_for(user=agent_a, ticket=entries))
    assert {
        "public words",
        "SLA-RETARGET resolution target moved",
        "ESCALATION-RULE P1 warn",
    } <= seen


@pytest.mark.parametrize("who", ["user_a1", "manager_a"])
def test_client_side_sees_no_system_entries(request, who, entries, login, api_for):
    person = request.getfixturevalue(who)
    seen = bodies(selectors.ticket_events_for(user=person, ticket=entries))
    assert "public words" in seen
    assert not {"SLA-RETARGET resolution target moved", "ESCALATION-RULE P1 warn"} & seen
    url = (
        reverse("portal:ticket-detail", args=[entries.pk])
        if who == "user_a1"
        else reverse("tickets:ticket-client-detail", args=[entries.pk])
    )
    page = login(person).get(url).content.decode()
    assert "public words" in page
    assert "SLA-RETARGET" not in page and "ESCALATION-RULE" not in page
    api = api_for(person).get(f"/api/v1/tickets/{entries.pk}/events/").content.decode()
    assert "public words" in api and "SLA-RETARGET" not in api and "ESCALATION-RULE" not in api
