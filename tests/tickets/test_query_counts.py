"""Pages cost the same number of queries for 5 or 200 tickets."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import make_ticket
from tickets import services

pytestmark = pytest.mark.django_db


def queries_for(web, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = web.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def grow(requester, agent, count):
    for _ in range(count):
        ticket = make_ticket(requester=requester)
        services.ticket_reply(actor=agent, ticket=ticket, body="reply")


@pytest.mark.parametrize("page", ["queue", "my_tickets", "client_list"])
def test_list_pages_are_constant(page, login, user_a1, agent_a, manager_a):
    user, url = {
        "queue": (agent_a, reverse("tickets:ticket-queue")),
        "my_tickets": (user_a1, reverse("portal:ticket-list")),
        "client_list": (manager_a, reverse("tickets:ticket-client-list")),
    }[page]
    web = login(user)
    grow(user_a1, agent_a, 5)
    small = queries_for(web, url)
    grow(user_a1, agent_a, 195)
    large = queries_for(web, url)
    assert small == large
    assert large <= 12


def test_detail_pages_are_constant(login, user_a1, agent_a):
    ticket = make_ticket(requester=user_a1)
    for _ in range(3):
        services.ticket_reply(actor=agent_a, ticket=ticket, body="r")
    urls = [
        (user_a1, reverse("portal:ticket-detail", args=[ticket.pk])),
        (agent_a, reverse("tickets:ticket-workspace", args=[ticket.pk])),
    ]
    small = [queries_for(login(u), url) for u, url in urls]
    for _ in range(60):
        services.ticket_reply(actor=agent_a, ticket=ticket, body="r")
        services.ticket_reply(actor=agent_a, ticket=ticket, body="n", internal=True)
    large = [queries_for(login(u), url) for u, url in urls]
    assert small == large
    assert max(large) <= 25
