"""Who sees which tickets, across portal pages, the queue, the manager list and the API."""

import pytest
from django.urls import reverse

from tickets.models import Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def tickets(ticket_a1, ticket_a2, ticket_b1):
    return {"a1": ticket_a1, "a2": ticket_a2, "b1": ticket_b1}


def visible_refs(user):
    return set(Ticket.objects.visible_to(user).values_list("reference", flat=True))


def test_end_user_sees_only_own_tickets(tickets, user_a1):
    assert visible_refs(user_a1) == {tickets["a1"].reference}


def test_site_lead_sees_tickets_of_their_site(tickets, user_a1, client_a, site_a):
    from tests.factories import make_ticket, make_user

    neighbour = make_user(client=client_a, site=site_a)
    theirs = make_ticket(requester=neighbour)
    user_a1.is_site_lead = True
    user_a1.save()
    assert visible_refs(user_a1) == {tickets["a1"].reference, theirs.reference}


def test_client_manager_sees_own_client_only(tickets, manager_a):
    assert visible_refs(manager_a) == {tickets["a1"].reference, tickets["a2"].reference}


def test_agent_sees_clients_of_their_teams(tickets, agent_a, agent_b):
    assert visible_refs(agent_a) == {tickets["a1"].reference, tickets["a2"].reference}
    assert visible_refs(agent_b) == {tickets["b1"].reference}


def test_admin_sees_everything(tickets, admin_user):
    assert visible_refs(admin_user) == {t.reference for t in tickets.values()}


def test_portal_my_tickets_lists_own_only(tickets, login, user_a1):
    page = login(user_a1).get(reverse("portal:ticket-list")).content.decode()
    assert tickets["a1"].reference in page
    assert tickets["a2"].reference not in page
    assert tickets["b1"].reference not in page


def test_portal_detail_of_other_users_ticket_is_404(tickets, login, user_a1):
    web = login(user_a1)
    assert web.get(reverse("portal:ticket-detail", args=[tickets["a1"].pk])).status_code == 200
    assert web.get(reverse("portal:ticket-detail", args=[tickets["a2"].pk])).status_code == 404
    assert web.get(reverse("portal:ticket-detail", args=[tickets["b1"].pk])).status_code == 404


def test_queue_shows_served_clients_only(tickets, login, agent_b):
    page = login(agent_b).get(reverse("tickets:ticket-queue")).content.decode()
    assert tickets["b1"].reference in page
    assert tickets["a1"].reference not in page


def test_manager_list_shows_own_client(tickets, login, manager_b):
    page = login(manager_b).get(reverse("tickets:ticket-client-list")).content.decode()
    assert tickets["b1"].reference in page
    assert tickets["a1"].reference not in page


def test_end_user_cannot_open_the_queue(login, user_a1):
    assert login(user_a1).get(reverse("tickets:ticket-queue")).status_code == 403


@pytest.mark.parametrize("who", ["user_a1", "manager_a", "agent_a", "agent_b", "admin_user"])
def test_api_list_matches_visible_to(request, tickets, api_for, who):
    user = request.getfixturevalue(who)
    body = api_for(user).get("/api/v1/tickets/?status=all").json()
    assert {row["reference"] for row in body["results"]} == visible_refs(user)


def test_api_detail_of_other_tenant_is_404(tickets, api_for, user_b1, manager_b, agent_b):
    for user in (user_b1, manager_b, agent_b):
        response = api_for(user).get(f"/api/v1/tickets/{tickets['a1'].pk}/")
        assert response.status_code == 404
