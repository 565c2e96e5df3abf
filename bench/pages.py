"""Server time and query count of the pages named in the performance targets.

`make bench` calls run_pages() after each seeding step. On a database already seeded (to
compare two builds on the same rows, one after the other):
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/itsm_bench python bench/pages.py
BENCH_PAGES=workspace,detail measures only the pages whose names contain one of those words.
"""

import html
import os
import re
import statistics
import sys
import time
from pathlib import Path

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django

    from bench import run as bench_run  # noqa: F401 (DATABASE_URL from BENCH_DATABASE_URL)

    django.setup()

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


NEXT_LINK = re.compile(r'<a href="\?([^"]*)" rel="next">')


def followed_page(user: User, url: str, number: int) -> str:
    """The URL of page `number` as reached by clicking "Next" from the first page."""
    web = Client()
    web.force_login(user)
    for _ in range(number - 1):
        found = NEXT_LINK.search(web.get(url).content.decode())
        if found is None:  # an older build without keyset links, or a short queue
            return f"{url.split('?')[0]}?page={number}"
        url = f"{url.split('?')[0]}?{html.unescape(found.group(1))}"
    return url


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
        ("queue, page 20 (typed ?page=20)", agent, f"{queue}?page=20"),
        ("queue, page 20 (by Next links)", agent, followed_page(agent, queue, 20)),
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
    wanted = [word.strip() for word in os.environ.get("BENCH_PAGES", "").split(",") if word.strip()]
    rows = []
    for name, user, url in page_cases():
        if wanted and not any(word in name for word in wanted):
            continue
        web = Client()
        web.force_login(user)
        median, queries = measure(web, url)
        rows.append((name, median, queries))
    return rows


if __name__ == "__main__":
    print(
        f"load average {os.getloadavg()}\n\n| page | median ms | queries |\n| --- | ---: | ---: |"
    )
    for name, median, queries in run_pages():
        print(f"| {name} | {median:.1f} | {queries} |")
