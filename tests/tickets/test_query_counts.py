"""Pages cost the same number of queries for 5 or 200 tickets, and exactly this many.

The counts are exact so that a new query on a page is a decision, not an accident. The staff's
drop-down lists come from the cache (tickets/queue_lists.py) once read: each page is measured
warm, and the cold cost is asserted too.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import make_ticket
from tickets import services

pytestmark = pytest.mark.django_db

# session, user, the agent's clients, the 50 rows, complaint flags of the page, notification bell
QUEUE = 6
# session, user, their client (suspended?), the 25 rows
MY_TICKETS = 4
# session, user, client, the 50 rows, the site filter's options
CLIENT_LIST = 5
# session, user, client, ticket, its rating, events, their attachments
PORTAL_DETAIL = 7
# session, user, clients, ticket, events, attachments, rating, complaint panel, SLA clocks,
# time spent, bell, the requester's other open tickets
WORKSPACE = 12
# clients, sites, agents, teams, categories (queue); agents, teams, categories, reply
# templates (workspace)
QUEUE_LISTS, WORKSPACE_LISTS = 5, 4


def queries_for(web, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = web.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def grow(requester, agent, count):
    for _ in range(count):
        ticket = make_ticket(requester=requester)
        services.ticket_reply(actor=agent, ticket=ticket, body="reply")


@pytest.mark.parametrize("which", ["queue", "my_tickets", "client_list"])
def test_list_pages_are_constant(which, login, user_a1, agent_a, manager_a):
    user, url, expected = {
        "queue": (agent_a, reverse("tickets:ticket-queue"), QUEUE),
        "my_tickets": (user_a1, reverse("portal:ticket-list"), MY_TICKETS),
        "client_list": (manager_a, reverse("tickets:ticket-client-list"), CLIENT_LIST),
    }[which]
    web = login(user)
    grow(user_a1, agent_a, 5)
    web.get(url)  # the staff's lists are cached from here on
    small = queries_for(web, url)
    grow(user_a1, agent_a, 195)
    large = queries_for(web, url)
    assert small == large == expected


def test_queue_page_two_costs_what_page_one_costs(login, user_a1, agent_a):
    web = login(agent_a)
    grow(user_a1, agent_a, 120)
    first = web.get(reverse("tickets:ticket-queue"))
    next_link = first.context["page"].next_query
    assert next_link and "after=" in next_link
    assert queries_for(web, f"{reverse('tickets:ticket-queue')}?{next_link}") == QUEUE


def test_cold_lists_cost_their_queries_once(login, user_a1, agent_a):
    ticket = make_ticket(requester=user_a1)
    web = login(agent_a)
    queue, workspace = (
        reverse("tickets:ticket-queue"),
        reverse("tickets:ticket-workspace", args=[ticket.pk]),
    )
    assert queries_for(web, queue) == QUEUE + QUEUE_LISTS
    assert queries_for(web, workspace) == WORKSPACE + WORKSPACE_LISTS
    assert queries_for(web, queue) == QUEUE
    assert queries_for(web, workspace) == WORKSPACE


def test_detail_pages_are_constant(login, user_a1, agent_a):
    ticket = make_ticket(requester=user_a1)
    for _ in range(3):
        services.ticket_reply(actor=agent_a, ticket=ticket, body="r")
    urls = [
        (user_a1, reverse("portal:ticket-detail", args=[ticket.pk])),
        (agent_a, reverse("tickets:ticket-workspace", args=[ticket.pk])),
    ]
    login(agent_a).get(urls[1][1])  # the workspace's lists are cached from here on
    small = [queries_for(login(u), url) for u, url in urls]
    for _ in range(60):
        services.ticket_reply(actor=agent_a, ticket=ticket, body="r")
        services.ticket_reply(actor=agent_a, ticket=ticket, body="n", internal=True)
    large = [queries_for(login(u), url) for u, url in urls]
    assert small == large == [PORTAL_DETAIL, WORKSPACE]
