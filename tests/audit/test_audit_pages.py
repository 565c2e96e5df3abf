"""The audit log pages: admins see all, managers their own people's events, others nothing;
filters never fail; the CSV export carries the rows and is itself recorded."""

import csv
import io
from datetime import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEvent
from audit.services import audit_record
from tests import factories as f

pytestmark = pytest.mark.django_db
Action = AuditEvent.Action
LIST = reverse("audit:event-list")
EXPORT = reverse("audit:event-export")


@pytest.fixture
def events(user_a1, user_b1, admin_user, agent_a, client_a):
    at = datetime.fromisoformat("2026-11-02T09:00:00+08:00")
    audit_record(actor=user_a1, action=Action.LOGIN, subject_user=user_a1, now=at)
    audit_record(actor=user_b1, action=Action.LOGIN, subject_user=user_b1, now=at)
    audit_record(
        actor=admin_user,
        action=Action.TEAM_MEMBERS,
        changes={"team": "Secret team", "members": {"added": [agent_a.pk]}},
        now=at,
    )
    # An agent's download of client A's report: about client A, not about its people.
    audit_record(
        actor=agent_a,
        action=Action.REPORT_DOWNLOAD,
        subject_user=agent_a,
        client=client_a,
        now=at,
    )


def rows_of(response):
    return [(e.action, e.actor_label) for e in response.context["page"]]


def test_admin_sees_everything(login, admin_user, events):
    response = login(admin_user).get(LIST)
    assert response.status_code == 200
    # (Setting up agent_a's team recorded team events too, with no actor.)
    assert {
        ("login", "user_a1"),
        ("login", "user_b1"),
        ("team_members", "admin1"),
        ("report_download", "agent_a"),
    } <= set(rows_of(response))


def test_manager_sees_own_clients_people_only(login, manager_a, events):
    response = login(manager_a).get(LIST)
    assert response.status_code == 200
    assert rows_of(response) == [("login", "user_a1")]
    body = response.content.decode()
    assert "Secret team" not in body and "user_b1" not in body and "agent_a" not in body


@pytest.mark.parametrize("who", ["user_a1", "agent_a"])
def test_end_users_and_agents_may_not_read(request, login, events, who):
    web = login(request.getfixturevalue(who))
    assert web.get(LIST).status_code == 403
    assert web.get(EXPORT).status_code == 403
    assert not AuditEvent.objects.filter(action=Action.AUDIT_EXPORT).exists()


def test_filters(login, admin_user, events):
    web = login(admin_user)
    team_events = rows_of(web.get(LIST, {"action": "team_members", "actor": "admin"}))
    assert team_events == [("team_members", "admin1")]
    assert rows_of(web.get(LIST, {"actor": "USER_B"})) == [("login", "user_b1")]
    assert len(rows_of(web.get(LIST, {"since": "2026-11-02", "until": "2026-11-02"}))) == 4
    assert len(rows_of(web.get(LIST))) > 4
    assert rows_of(web.get(LIST, {"since": "2026-11-03", "until": "2026-11-05"})) == []
    assert rows_of(web.get(LIST, {"until": "2026-11-01"})) == []


@pytest.mark.parametrize(
    "query",
    [
        {"action": "nonsense"},
        {"since": "2026-02-31"},
        {"until": "9999-12-31"},
        {"since": "0001-01-01"},
        {"actor": "\x00" * 500},
        {"page": "²"},
        {"since": "x" * 5000},
    ],
)
def test_bad_filter_input_is_never_a_500(login, admin_user, events, query):
    web = login(admin_user)
    assert web.get(LIST, query).status_code == 200
    assert web.get(EXPORT, query).status_code == 200


def test_csv_export_contents_and_is_audited(login, manager_a, events):
    web = login(manager_a)
    response = web.get(EXPORT, {"action": "login"}, REMOTE_ADDR="198.51.100.4")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:3] == ["Time", "Action", "Actor"]
    assert [(r[1], r[2], r[3]) for r in rows[1:]] == [("login", "user_a1", "user_a1")]
    export = AuditEvent.objects.get(action=Action.AUDIT_EXPORT)
    assert (export.actor, export.ip, export.subject_user) == (manager_a, "198.51.100.4", manager_a)
    assert export.changes == {"filters": {"action": "login"}}


def test_list_queries_constant_in_rows(login, admin_user):
    web = login(admin_user)

    def add(n):
        for _ in range(n):
            person = f.make_user(client=f.make_client())
            audit_record(actor=person, action=Action.LOGIN, subject_user=person)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert web.get(LIST).status_code == 200
        return len(queries)

    add(2)
    small = count()
    add(18)
    assert count() == small
