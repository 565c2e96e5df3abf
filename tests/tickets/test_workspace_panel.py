"""The workspace's one form: action panel + composer, submitted once against one version."""

import pytest
from django.urls import reverse

from tests.factories import make_category, make_team, make_user
from tickets import services
from tickets.models import Status, TicketEvent

from .panel import panel_post

pytestmark = pytest.mark.django_db


@pytest.fixture
def workspace(ticket_a1):
    return reverse("tickets:ticket-workspace", args=[ticket_a1.pk])


def test_one_submit_changes_everything_with_one_version(login, agent_a, ticket_a1, workspace):
    category = make_category("desktop")
    response = login(agent_a).post(
        workspace,
        panel_post(
            ticket_a1,
            status=Status.IN_PROGRESS,
            priority=2,
            category=category.pk,
            assignee=agent_a.pk,
            body="正在处理",
        ),
    )
    assert response.status_code == 302
    ticket_a1.refresh_from_db()
    assert ticket_a1.status == Status.IN_PROGRESS
    assert (ticket_a1.priority, ticket_a1.category, ticket_a1.assignee) == (2, category, agent_a)
    kinds = set(ticket_a1.events.values_list("kind", flat=True))
    assert {"reply", "priority", "category", "assigned", "status"} <= kinds


def test_stale_version_refuses_everything_and_keeps_the_input(login, agent_a, ticket_a1, workspace):
    shown = panel_post(ticket_a1, status=Status.IN_PROGRESS, priority=2, body="我的回复 kept")
    services.ticket_change_priority(actor=agent_a, ticket=ticket_a1, priority=1)  # a colleague
    response = login(agent_a).post(workspace, shown)
    assert response.status_code == 409
    page = response.content.decode()
    assert "我的回复 kept" in page
    ticket_a1.refresh_from_db()
    assert ticket_a1.status == Status.NEW and ticket_a1.priority == 1
    assert not ticket_a1.events.filter(kind="reply").exists()


def test_one_refused_part_saves_nothing(login, agent_a, client_b, ticket_a1, workspace):
    """The team serves another client: the reply and the priority typed with it are not kept."""
    foreign = make_team(clients=[client_b], name="Foreign team")
    response = login(agent_a).post(
        workspace, panel_post(ticket_a1, team=foreign.pk, priority=1, body="text")
    )
    assert response.status_code == 400
    ticket_a1.refresh_from_db()
    assert ticket_a1.priority != 1 and ticket_a1.team is None
    assert not ticket_a1.events.exclude(kind="created").exists()


def test_internal_mode_never_reaches_the_end_user(login, agent_a, user_a1, ticket_a1, workspace):
    web = login(agent_a)
    page = web.get(workspace).content.decode()
    assert 'name="mode" value="public"' in page and 'name="mode" value="internal"' in page
    assert 'class="when-internal"' in page  # the button names the mode
    web.post(workspace, panel_post(ticket_a1, body="SECRET internal remark", mode="internal"))
    web.post(workspace, panel_post(ticket_a1, body="public answer"))
    note = TicketEvent.objects.get(body="SECRET internal remark")
    assert note.kind == "note" and note.is_internal
    assert TicketEvent.objects.get(body="public answer").is_internal is False
    portal = login(user_a1).get(reverse("portal:ticket-detail", args=[ticket_a1.pk]))
    assert "public answer" in portal.content.decode()
    assert "SECRET internal remark" not in portal.content.decode()


def test_status_comment_goes_through_the_composer_in_its_mode(
    login, agent_a, user_a1, ticket_a1, workspace
):
    web = login(agent_a)
    web.post(workspace, panel_post(ticket_a1, assignee=agent_a.pk))
    response = web.post(
        workspace,
        panel_post(ticket_a1, status=Status.RESOLVED, body="cause: user error", mode="internal"),
    )
    assert response.status_code == 302
    ticket_a1.refresh_from_db()
    assert ticket_a1.status == Status.RESOLVED
    status_event = ticket_a1.events.get(kind="status", new_value=Status.RESOLVED)
    assert status_event.body == ""  # the text is not hidden in the (public) status entry
    assert ticket_a1.events.get(body="cause: user error").is_internal
    portal = login(user_a1).get(reverse("portal:ticket-detail", args=[ticket_a1.pk]))
    assert "cause: user error" not in portal.content.decode()


def test_cancel_with_a_closing_word_posts_the_word_first(login, agent_a, ticket_a1, workspace):
    response = login(agent_a).post(
        workspace, panel_post(ticket_a1, status=Status.CANCELLED, body="duplicate of HX-1")
    )
    assert response.status_code == 302
    ticket_a1.refresh_from_db()
    assert ticket_a1.status == Status.CANCELLED
    assert ticket_a1.events.filter(kind="reply", body="duplicate of HX-1").exists()


def test_old_separate_forms_are_gone(login, agent_a, ticket_a1, workspace):
    page = login(agent_a).get(workspace).content.decode()
    for old in ("status", "priority", "category", "assign", "reply"):
        assert f'name="action" value="{old}"' not in page
    assert page.count('name="action" value="update"') == 1
    assert 'name="internal"' not in page  # no checkbox that is easy to miss


def test_api_patch_applies_the_panel_in_one_transaction(api_for, agent_a, user_a1, ticket_a1):
    api = api_for(agent_a)
    url = f"/api/v1/tickets/{ticket_a1.pk}/"
    response = api.patch(
        url,
        {
            "version": ticket_a1.version,
            "status": "in_progress",
            "assignee": "agent_a",
            "priority": 2,
            "body": "api note",
            "internal": True,
            "minutes": 20,
            "time_kind": "on_site",
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["status"], body["assignee"], body["priority"]) == ("in_progress", "agent_a", 2)
    assert ticket_a1.events.get(body="api note").is_internal
    assert ticket_a1.time_entries.get().kind == "on_site"

    stale = api.patch(
        url, {"version": 1, "priority": 1, "body": "lost?"}, format="json"
    )  # version 1 is long gone
    assert stale.status_code == 409 and stale.json()["code"] == "stale"
    assert not ticket_a1.events.filter(body="lost?").exists()
    refused = api_for(user_a1).patch(
        url, {"version": body["version"], "priority": 1}, format="json"
    )
    assert refused.status_code == 403


def test_an_agent_of_another_team_cannot_be_assigned_through_the_panel(
    login, agent_a, ticket_a1, workspace
):
    outsider = make_user(role="agent", username="outsider")
    response = login(agent_a).post(workspace, panel_post(ticket_a1, assignee=outsider.pk))
    assert response.status_code == 400
    ticket_a1.refresh_from_db()
    assert ticket_a1.assignee is None
