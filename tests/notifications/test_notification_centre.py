"""The bell, the list, marking read, preferences and the API: one's own, visible notifications."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from itsm.tenancy import Role
from notifications.models import Notification, NotificationPreference
from tests import factories as f
from tests.factories import make_ticket
from tests.sla.conftest import FOR_PRIORITY

pytestmark = pytest.mark.django_db


def notified(user_a1, n: int, priority: int = 3) -> list:
    return [make_ticket(requester=user_a1, **FOR_PRIORITY[priority]) for _ in range(n)]


def bell(html: str) -> str | None:
    found = re.search(
        r'class="bell[^"]*"[^>]*>.*?(?:<span class="count"[^>]*>([^<]*)</span>)?</a>', html, re.S
    )
    assert found, "no bell in the top bar"
    return found.group(1)


def test_the_bell_shows_the_unread_count_in_one_query(login, user_a1, agent_a):
    page = login(agent_a)
    assert bell(page.get(reverse("tickets:ticket-queue")).content.decode()) is None
    notified(user_a1, 3)
    with CaptureQueriesContext(connection) as captured:
        html = page.get(reverse("tickets:ticket-queue")).content.decode()
    assert bell(html) == "3"
    bell_queries = [q for q in captured if "notifications_notification" in q["sql"]]
    assert len(bell_queries) == 1


def test_the_bell_is_for_staff_only(login, user_a1, agent_a):
    notified(user_a1, 1)
    html = login(user_a1).get(reverse("portal:home"), follow=True).content.decode()
    assert 'class="bell' not in html


def test_the_list_links_to_the_workspace_and_marks_read(login, user_a1, agent_a):
    first, second = notified(user_a1, 2)
    page = login(agent_a)
    html = page.get(reverse("notifications:notification-list")).content.decode()
    assert first.reference in html and second.reference in html
    mine = Notification.objects.get(ticket=first)
    opened = page.post(reverse("notifications:notification-read", args=[mine.pk]), {"open": "1"})
    assert opened.status_code == 302
    assert opened["Location"] == reverse("tickets:ticket-workspace", args=[first.pk])
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert bell(page.get(reverse("notifications:notification-list")).content.decode()) == "1"
    page.post(reverse("notifications:notification-read-all"))
    assert not Notification.objects.filter(recipient=agent_a, read_at__isnull=True).exists()
    assert bell(page.get(reverse("notifications:notification-list")).content.decode()) is None


def test_someone_elses_notification_is_404(login, user_a1, agent_a):
    colleague = f.make_user(role=Role.AGENT, username="colleague_a")
    agent_a.teams.get().members.add(colleague)
    notified(user_a1, 1)
    theirs = Notification.objects.get(recipient=colleague)
    page = login(agent_a)
    assert (
        page.post(reverse("notifications:notification-read", args=[theirs.pk])).status_code == 404
    )
    api = page.get(reverse("notification-detail", args=[theirs.pk]))
    assert api.status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_a_client_no_longer_served_disappears_from_list_bell_and_api(
    login, user_a1, agent_a, client_a
):
    (ticket,) = notified(user_a1, 1)
    agent_a.teams.get().clients.remove(client_a)
    page = login(agent_a)
    html = page.get(reverse("notifications:notification-list")).content.decode()
    assert ticket.reference not in html and ticket.subject not in html
    assert bell(html) is None
    assert page.get(reverse("notification-list")).json()["results"] == []
    mine = Notification.objects.get(recipient=agent_a)
    assert page.post(reverse("notifications:notification-read", args=[mine.pk])).status_code == 404


def test_the_bell_on_a_page_that_read_the_served_clients_counts_only_those(
    login, user_a1, agent_a, client_a
):
    """The queue reads the agent's clients for its rows; the bell reuses them."""
    notified(user_a1, 2)
    page = login(agent_a)
    assert bell(page.get(reverse("tickets:ticket-queue")).content.decode()) == "2"
    agent_a.teams.get().clients.remove(client_a)
    assert bell(page.get(reverse("tickets:ticket-queue")).content.decode()) is None


def test_list_page_queries_do_not_grow_with_rows(login, user_a1, agent_a):
    page = login(agent_a)
    page.get(reverse("notifications:notification-list"))  # the session's own first queries

    def measure(rows: int) -> int:
        with CaptureQueriesContext(connection) as captured:
            response = page.get(reverse("notifications:notification-list"))
        assert response.content.decode().count("<tr class=") == rows
        return len(captured)

    notified(user_a1, 2)
    small = measure(2)
    notified(user_a1, 18)
    assert measure(20) == small


def test_preferences_page_saves_email_choices(login, agent_a):
    page = login(agent_a)
    form = page.get(reverse("notifications:notification-preferences")).content.decode()
    assert 'name="email_new_urgent"' in form and "checked" in form
    response = page.post(
        reverse("notifications:notification-preferences"),
        {"email_reply": "on", "email_sla_warning": "on"},
    )
    assert response.status_code == 302
    saved = NotificationPreference.objects.get(user=agent_a)
    assert (saved.email_new_urgent, saved.email_reply, saved.email_sla_warning) == (
        False,
        True,
        True,
    )


def test_client_side_people_have_no_notification_centre(login, user_a1, manager_a):
    for person in (user_a1, manager_a):
        page = login(person)
        assert page.get(reverse("notifications:notification-list")).status_code == 403
        assert page.get(reverse("notification-list")).status_code == 403


def test_api_lists_marks_one_and_all(api_for, user_a1, agent_a):
    first, second, third = notified(user_a1, 3)
    api = api_for(agent_a)
    listed = api.get(reverse("notification-list")).json()
    assert [row["ticket_reference"] for row in listed["results"]] == [
        third.reference,
        second.reference,
        first.reference,
    ]
    assert listed["results"][0]["ticket_url"] == f"/queue/tickets/{third.pk}/"
    assert "count" not in listed
    one = listed["results"][0]["id"]
    marked = api.post(reverse("notification-read", args=[one])).json()
    assert marked["read_at"] is not None
    unread = api.get(reverse("notification-list"), {"unread": "1"}).json()["results"]
    assert len(unread) == 2
    assert api.post(reverse("notification-read-all")).json() == {"marked": 2}
    assert api.get(reverse("notification-list"), {"unread": "1"}).json()["results"] == []
