"""Time spent on tickets (per ticket, per client and period) and the teams' reply templates."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from itsm.exceptions import ApplicationError
from tests.factories import make_team, make_ticket, make_user
from tickets import selectors, services
from tickets.models import ReplyTemplate, TimeEntry

from .panel import panel_post

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 2, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


def test_minutes_recorded_with_a_reply_and_totalled_in_the_workspace(login, agent_a, ticket_a1):
    web = login(agent_a)
    workspace = reverse("tickets:ticket-workspace", args=[ticket_a1.pk])
    web.post(workspace, panel_post(ticket_a1, body="remote fix", minutes="25"))
    web.post(
        workspace,
        panel_post(
            ticket_a1, body="went there", mode="internal", minutes="40", time_kind="on_site"
        ),
    )
    web.post(workspace, panel_post(ticket_a1, minutes="5"))  # minutes alone: no timeline entry
    rows = list(ticket_a1.time_entries.order_by("id").values_list("minutes", "kind", "agent"))
    assert rows == [
        (25, "remote", agent_a.pk),
        (40, "on_site", agent_a.pk),
        (5, "remote", agent_a.pk),
    ]
    entry = ticket_a1.time_entries.get(minutes=25)
    assert entry.event.body == "remote fix" and entry.client_id == ticket_a1.client_id
    assert ticket_a1.events.filter(kind__in=["reply", "note"]).count() == 2
    page = web.get(workspace).content.decode()
    assert 'class="meta time-total"' in page and "70" in page
    assert selectors.time_spent_on(user=agent_a, ticket=ticket_a1) == 70


@pytest.mark.parametrize("minutes", ["-5", "1441", "abc", "1e3"])
def test_bad_minutes_are_refused_and_nothing_is_saved(login, agent_a, ticket_a1, minutes):
    response = login(agent_a).post(
        reverse("tickets:ticket-workspace", args=[ticket_a1.pk]),
        panel_post(ticket_a1, body="keep me", minutes=minutes),
    )
    assert response.status_code == 400
    assert "keep me" in response.content.decode()
    assert not TimeEntry.objects.exists() and not ticket_a1.events.filter(kind="reply").exists()


def test_only_staff_record_and_see_time(user_a1, manager_a, agent_a, ticket_a1, api_for):
    with pytest.raises(PermissionDenied):
        services.ticket_respond(actor=user_a1, ticket=ticket_a1, body="hi", minutes=10)
    with pytest.raises(ApplicationError):
        services.time_record(actor=agent_a, ticket=ticket_a1, minutes=5000)
    services.time_record(actor=agent_a, ticket=ticket_a1, minutes=30)
    assert selectors.time_spent_on(user=user_a1, ticket=ticket_a1) == 0
    assert selectors.time_spent_on(user=manager_a, ticket=ticket_a1) == 0
    refused = api_for(user_a1).post(
        f"/api/v1/tickets/{ticket_a1.pk}/events/", {"body": "x", "minutes": 9}, format="json"
    )
    assert refused.status_code == 403
    assert TimeEntry.objects.get().minutes == 30


def test_api_records_minutes_with_a_reply_or_alone(api_for, agent_a, ticket_a1):
    api = api_for(agent_a)
    url = f"/api/v1/tickets/{ticket_a1.pk}/events/"
    assert api.post(url, {"body": "done", "minutes": 15}, format="json").status_code == 201
    alone = api.post(url, {"minutes": 10, "time_kind": "on_site"}, format="json")
    assert alone.status_code == 204
    assert api.post(url, {"minutes": -1}, format="json").status_code == 400
    assert selectors.time_spent_on(user=agent_a, ticket=ticket_a1) == 25


def test_time_per_client_for_a_period(agent_a, agent_b, ticket_a1, user_b1, admin_user):
    ticket_b1 = make_ticket(requester=user_b1)
    services.time_record(actor=agent_a, ticket=ticket_a1, minutes=30, now=NOW)
    services.time_record(actor=agent_a, ticket=ticket_a1, minutes=15, now=NOW + timedelta(days=1))
    services.time_record(actor=agent_a, ticket=ticket_a1, minutes=99, now=NOW - timedelta(days=40))
    services.time_record(actor=agent_b, ticket=ticket_b1, minutes=60, now=NOW)
    start, end = NOW - timedelta(days=1), NOW + timedelta(days=7)
    totals = selectors.time_spent_by_client(user=admin_user, start=start, end=end)
    assert totals == {ticket_a1.client_id: 45, ticket_b1.client_id: 60}
    # An agent sees the clients they serve only.
    assert selectors.time_spent_by_client(user=agent_a, start=start, end=end) == {
        ticket_a1.client_id: 45
    }


@pytest.fixture
def templates(agent_a, agent_b):
    team_a, team_b = agent_a.teams.get(), agent_b.teams.get()
    mine = ReplyTemplate.objects.create(
        team=team_a,
        title="Received",
        body="Dear {requester_name}, {reference} is received. {agent_name} {unknown}",
    )
    ReplyTemplate.objects.create(team=team_a, title="Old", body="x", is_active=False)
    theirs = ReplyTemplate.objects.create(team=team_b, title="Other team's", body="secret B")
    return mine, theirs


def test_agent_sees_their_teams_templates_filled_for_the_ticket(
    login, agent_a, user_a1, ticket_a1, templates
):
    user_a1.first_name, user_a1.last_name = "Li", "Wei"
    user_a1.save()
    filled = selectors.reply_templates_for(user=agent_a, ticket=ticket_a1)
    assert [row.title for row, _text in filled] == ["Received"]
    text = filled[0][1]
    assert ticket_a1.reference in text and user_a1.display_name in text
    assert agent_a.display_name in text and "{unknown}" in text  # unknown braces left as they are
    page = login(agent_a).get(reverse("tickets:ticket-workspace", args=[ticket_a1.pk]))
    html = page.content.decode()
    assert 'class="reply-template"' in html and ticket_a1.reference in html
    assert "secret B" not in html and "Other team" not in html
    assert "/static/js/composer.js" in html


def test_templates_are_not_offered_to_the_client_side(user_a1, manager_a, ticket_a1, templates):
    assert selectors.reply_templates_for(user=user_a1, ticket=ticket_a1) == []
    assert selectors.reply_templates_for(user=manager_a, ticket=ticket_a1) == []


def test_a_new_team_member_gets_the_teams_templates(ticket_a1, templates, client_a):
    newcomer = make_user(role="agent", username="newcomer")
    assert selectors.reply_templates_for(user=newcomer, ticket=ticket_a1) == []
    make_team(members=[newcomer], clients=[client_a]).reply_templates.create(
        title="Hi", body="Hi {requester_name}"
    )
    assert [r.title for r, _ in selectors.reply_templates_for(user=newcomer, ticket=ticket_a1)] == [
        "Hi"
    ]
