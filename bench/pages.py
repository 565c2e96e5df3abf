"""Server time and query count of the pages named in the performance targets."""

import statistics
import time

from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clients.models import User
from tickets.models import Ticket

RUNS = 30


def measure(web: Client, url: str) -> tuple[float, int]:
    """Median milliseconds over RUNS requests (after one warm-up) and the query count."""
    assert web.get(url).status_code == 200, url
    with CaptureQueriesContext(connection) as ctx:
        web.get(url)
    queries = len(ctx.captured_queries)
    timings = []
    for _ in range(RUNS):
        start = time.perf_counter()
        response = web.get(url)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, url
    return statistics.median(timings), queries


def page_cases() -> list[tuple[str, User, str]]:
    agent = User.objects.get(username="bagent0")
    big_client_user = User.objects.filter(client__code="B00").order_by("pk").first()
    own = Ticket.objects.filter(requester=big_client_user).order_by("-created_at").first()
    open_ticket = Ticket.objects.filter(client__code="B00").exclude(status="closed").first()
    queue = reverse("tickets:ticket-queue")
    return [
        ("queue, default urgency order", agent, queue),
        ("queue, priority=1", agent, f"{queue}?priority=1"),
        ("queue, one client", agent, f"{queue}?client={open_ticket.client_id}"),
        ("queue, status=waiting", agent, f"{queue}?status=waiting"),
        ("queue, unassigned", agent, f"{queue}?unassigned=1"),
        ("queue, search by reference", agent, f"{queue}?q={open_ticket.reference}"),
        ("queue, search by requester", agent, f"{queue}?q={big_client_user.username}"),
        ("queue, page 20", agent, f"{queue}?page=20"),
        ("end user: my tickets", big_client_user, reverse("portal:ticket-list")),
        (
            "end user: ticket detail",
            big_client_user,
            reverse("portal:ticket-detail", args=[own.pk]),
        ),
        (
            "agent: ticket workspace",
            agent,
            reverse("tickets:ticket-workspace", args=[open_ticket.pk]),
        ),
        ("API: ticket list (agent)", agent, "/api/v1/tickets/"),
    ]


def run_pages() -> list[tuple[str, float, int]]:
    # Keep one connection for the whole run, as a long-lived server worker does.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    rows = []
    for name, user, url in page_cases():
        web = Client()
        web.force_login(user)
        median, queries = measure(web, url)
        rows.append((name, median, queries))
    return rows
