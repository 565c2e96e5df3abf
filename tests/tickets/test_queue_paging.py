"""Keyset pages of the queue: Next/Previous walk every ticket once, in order; junk keys are
ignored (never an error); a typed ?page=N still works."""

from datetime import timedelta
from urllib.parse import parse_qs

import pytest
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from tests.factories import make_ticket
from tickets import selectors
from tickets.models import Ticket
from tickets.queue_paging import ORDER, cursor_of, parse_cursor, queue_page

pytestmark = pytest.mark.django_db
PER_PAGE = 3


@pytest.fixture
def queue(agent_a, user_a1):
    """11 open tickets: ties on the due instant and the priority, and three without a due
    instant (they come last)."""
    tickets = [make_ticket(requester=user_a1) for _ in range(11)]
    soon = timezone.now() + timedelta(hours=1)
    for index, ticket in enumerate(tickets):
        due = None if index % 4 == 3 else soon + timedelta(minutes=index // 3)
        Ticket.objects.filter(pk=ticket.pk).update(sla_due_at=due, priority=1 + index % 2)
    rows = selectors.ticket_list_for(user=agent_a, filters={"status": "open"})
    return rows, [t.pk for t in rows.order_by(*ORDER)]


def page_for(rows, query: str):
    return queue_page(rows, QueryDict(query), per_page=PER_PAGE)


def test_next_links_walk_every_ticket_once_in_order(queue):
    rows, expected = queue
    assert any(due is None for due in rows.values_list("sla_due_at", flat=True))
    page, seen, numbers = page_for(rows, ""), [], []
    while True:
        seen += [t.pk for t in page]
        numbers.append(page.number)
        if not page.has_next:
            break
        assert "after=" in page.next_query
        assert len(numbers) < 5, "the links go round in circles"
        page = page_for(rows, page.next_query)
    assert seen == expected
    assert numbers == [1, 2, 3, 4]
    # ... and Previous links walk back through the same pages.
    back = []
    while page.has_previous:
        page = page_for(rows, page.previous_query)
        back.insert(0, [t.pk for t in page])
    assert sum(back, []) == expected[: len(sum(back, []))]
    assert page.number == 1 and [t.pk for t in page] == expected[:PER_PAGE]


def test_a_typed_page_number_still_works(queue):
    rows, expected = queue
    page = page_for(rows, "page=3")
    assert [t.pk for t in page] == expected[6:9] and page.has_previous and page.has_next


def test_links_keep_the_filters(queue):
    rows, _ = queue
    page = page_for(rows, "priority=1&q=x&page=2&before=junk")
    for link in (page.next_query, page.previous_query):
        query = parse_qs(link)
        assert query["priority"] == ["1"] and query["q"] == ["x"]
        assert "before" not in query or query["before"] != ["junk"]


@pytest.mark.parametrize(
    "key",
    [
        "junk",
        "~~~",
        "-~1~x~1",
        "2026-13-01T00:00:00+00:00~1~2026-01-01T00:00:00+00:00~1",
        "2026-01-01T00:00:00~1~2026-01-01T00:00:00~1",  # no time zone
        "-~1~2026-01-01T00:00:00+00:00~99999999999999999999999",
        "-~0~2026-01-01T00:00:00+00:00~1",
        "\x00",
        "a" * 5000,
        # Instants with no UTC equivalent.
        "9999-12-31T23:00:00-14:00~1~2026-01-01T00:00:00+00:00~1",
        "-~1~0001-01-01T00:00:00+14:00~1",
    ],
)
def test_a_bad_key_is_ignored_never_an_error(queue, key, login, agent_a):
    rows, expected = queue
    assert parse_cursor(key) is None
    for name in ("after", "before"):
        assert [t.pk for t in queue_page(rows, {name: key})] == (expected[:50])
        response = login(agent_a).get(reverse("tickets:ticket-queue"), {name: key})
        assert response.status_code == 200


def test_a_key_round_trips(queue):
    rows, _ = queue
    for ticket in rows.order_by(*ORDER):
        due, priority, created, pk = parse_cursor(cursor_of(ticket))
        assert (due, priority, created, pk) == (
            ticket.sla_due_at,
            ticket.priority,
            ticket.created_at,
            ticket.pk,
        )


def test_a_key_of_a_ticket_one_cannot_see_shows_nothing_of_it(queue, agent_b, user_b1):
    rows, _ = queue
    other = make_ticket(requester=user_b1)
    theirs = selectors.ticket_list_for(user=agent_b, filters={"status": "open"})
    page = queue_page(theirs, QueryDict(f"after={cursor_of(rows.first())}"), per_page=PER_PAGE)
    assert {t.pk for t in page} <= {other.pk}
