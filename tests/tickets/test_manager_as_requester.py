"""A client manager filed as requester by staff acts on their own ticket like any requester."""

import pytest
from django.urls import reverse

from tests.factories import make_ticket
from tickets import services
from tickets.models import Rating, Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def own_ticket(agent_a, manager_a, site_a):
    # A phone call: the agent files the manager's own problem.
    return make_ticket(requester=manager_a, actor=agent_a, site=site_a, subject="Manager's laptop")


def resolve(agent, ticket):
    ticket.refresh_from_db()
    return services.ticket_change_status(
        actor=agent, ticket=ticket, status=Status.RESOLVED, expected_version=ticket.version
    )


def test_manager_replies_rates_and_reopens_through_the_pages(
    client, agent_a, manager_a, own_ticket
):
    client.force_login(manager_a)
    detail = reverse("tickets:ticket-client-detail", args=[own_ticket.pk])
    page = client.get(detail).content.decode()
    assert 'name="action" value="reply"' in page
    response = client.post(detail, {"action": "reply", "body": "Still slow after reboot"})
    assert response.status_code == 302, response.content.decode()[:500]
    assert own_ticket.events.filter(kind="reply", actor=manager_a).exists()

    resolve(agent_a, own_ticket)
    page = client.get(detail).content.decode()
    assert 'value="reopen"' in page and 'value="rate"' in page
    assert client.post(detail, {"action": "rate", "score": 2}).status_code == 302
    assert Rating.objects.get(ticket=own_ticket).rated_by == manager_a
    assert client.post(detail, {"action": "reopen", "reason": "Slow again"}).status_code == 302
    own_ticket.refresh_from_db()
    assert own_ticket.status == Status.REOPENED
    assert own_ticket.events.filter(kind="reply", actor=manager_a, body="Slow again").exists()


def test_manager_confirms_through_the_pages(client, agent_a, manager_a, own_ticket):
    resolve(agent_a, own_ticket)
    client.force_login(manager_a)
    detail = reverse("tickets:ticket-client-detail", args=[own_ticket.pk])
    assert client.post(detail, {"action": "confirm"}).status_code == 302
    own_ticket.refresh_from_db()
    assert own_ticket.status == Status.CLOSED


def test_manager_acts_through_the_api(api_for, agent_a, manager_a, own_ticket):
    api = api_for(manager_a)
    url = f"/api/v1/tickets/{own_ticket.pk}"
    response = api.post(f"{url}/events/", {"body": "any news?"}, format="json")
    assert response.status_code == 201, response.content
    resolve(agent_a, own_ticket)
    assert api.post(f"{url}/rating/", {"score": 4}, format="json").status_code == 201
    own_ticket.refresh_from_db()
    response = api.post(
        f"{url}/status/", {"status": "reopened", "version": own_ticket.version}, format="json"
    )
    assert response.status_code == 200, response.content


def test_manager_still_cannot_act_on_a_colleagues_ticket(client, api_for, manager_a, ticket_a1):
    client.force_login(manager_a)
    detail = reverse("tickets:ticket-client-detail", args=[ticket_a1.pk])
    assert 'value="reply"' not in client.get(detail).content.decode()
    response = client.post(detail, {"action": "reply", "body": "hijack"})
    assert response.status_code == 403
    assert "Only the person who reported this" in response.content.decode()
    response = api_for(manager_a).post(
        f"/api/v1/tickets/{ticket_a1.pk}/events/", {"body": "hijack"}, format="json"
    )
    assert response.status_code == 403
    assert not ticket_a1.events.filter(kind="reply").exists()


def test_manager_may_not_make_staff_moves_on_own_ticket(manager_a, own_ticket):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.ticket_change_status(
            actor=manager_a, ticket=own_ticket, status=Status.RESOLVED, expected_version=1
        )


def test_requester_of_another_client_is_refused(api_for, manager_b, own_ticket):
    response = api_for(manager_b).post(
        f"/api/v1/tickets/{own_ticket.pk}/events/", {"body": "x"}, format="json"
    )
    assert response.status_code == 404
