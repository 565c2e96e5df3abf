"""Each kind of audit event is recorded with actor, IP and what changed; rows are append-only."""

import pytest
from django.contrib.auth.signals import user_login_failed
from django.urls import reverse

from audit.models import AppendOnlyError, AuditEvent
from clients import services as client_services
from clients.models import ApiToken, Client
from tests import factories as f
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db
Action = AuditEvent.Action
IP = "203.0.113.7"


def only(action):
    events = list(AuditEvent.objects.filter(action=action))
    assert len(events) == 1, [e.action for e in AuditEvent.objects.all()]
    return events[0]


def test_sign_in_through_the_login_form(client, user_a1):
    client.post(
        reverse("account_login"), {"login": "user_a1", "password": PASSWORD}, REMOTE_ADDR=IP
    )
    event = only(Action.LOGIN)
    assert (event.actor, event.subject_user, event.ip) == (user_a1, user_a1, IP)
    assert event.client_id == user_a1.client_id


def test_failed_sign_in_and_lock_out(client, user_a1):
    for _ in range(5):
        client.post(
            reverse("account_login"), {"login": "user_a1", "password": "wrong"}, REMOTE_ADDR=IP
        )
    failures = AuditEvent.objects.filter(action=Action.LOGIN_FAILED)
    assert failures.count() == 5
    assert {(e.actor_id, e.actor_label, e.subject_user_id, e.ip) for e in failures} == {
        (None, "user_a1", user_a1.pk, IP)
    }
    assert "wrong" not in str([e.changes for e in failures])
    locked = only(Action.LOCKED_OUT)
    assert locked.subject_user == user_a1
    assert locked.changes["failures"] == 5
    assert not AuditEvent.objects.filter(action=Action.LOGIN).exists()


def test_four_failures_are_no_lock_out(client, user_a1):
    for _ in range(4):
        client.post(reverse("account_login"), {"login": "user_a1", "password": "wrong"})
    assert not AuditEvent.objects.filter(action=Action.LOCKED_OUT).exists()


def test_failed_sign_in_with_unknown_name(db):
    user_login_failed.send(sender=None, credentials={"username": "nobody"}, request=None)
    event = only(Action.LOGIN_FAILED)
    assert (event.subject_user, event.client, event.actor_label) == (None, None, "nobody")


def test_second_factor_signals(client, user_a1):
    from allauth.mfa.signals import authentication_failed, authenticator_added

    authenticator_added.send(sender=None, request=None, user=user_a1, authenticator=None)
    authentication_failed.send(sender=None, request=None, user=user_a1, authenticator=None)
    assert only(Action.MFA_ADDED).subject_user == user_a1
    assert only(Action.MFA_FAILED).actor == user_a1


def test_token_create_and_revoke_pages(login, user_a1):
    web = login(user_a1)
    web.post(reverse("clients:token-list"), {"name": "backup script"}, REMOTE_ADDR=IP)
    created = only(Action.TOKEN_CREATED)
    assert (created.actor, created.subject_user, created.ip) == (user_a1, user_a1, IP)
    assert created.changes["token"] == "backup script"
    token = ApiToken.objects.get()
    web.post(reverse("clients:token-revoke", args=[token.pk]), REMOTE_ADDR=IP)
    revoked = only(Action.TOKEN_REVOKED)
    assert (revoked.actor, revoked.ip) == (user_a1, IP)
    assert revoked.changes["because"] == ApiToken.RevokedBecause.OWNER


def test_admin_role_change_records_old_and_new(login, admin_user, user_a1, client_b):
    web = login(admin_user)
    url = reverse("admin:clients_user_change", args=[user_a1.pk])
    form = web.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "password"}
    data.update(
        role="client_manager",
        client=client_b.pk,
        site="",
        groups=[],
        user_permissions=[],
        last_login_0="",
        last_login_1="",
        date_joined_0="2026-01-01",
        date_joined_1="00:00:00",
    )
    response = web.post(url, data, REMOTE_ADDR=IP)
    assert response.status_code == 302, response.context["adminform"].form.errors
    event = only(Action.USER_CHANGED)
    assert (event.actor, event.subject_user, event.ip) == (admin_user, user_a1, IP)
    assert event.changes["role"] == {"old": "end_user", "new": "client_manager"}
    assert event.changes["client_id"] == {"old": user_a1.client_id, "new": client_b.pk}
    assert event.client_id == client_b.pk


def test_user_suspension_in_the_admin_also_revokes_tokens(login, admin_user, user_a1):
    client_services.api_token_create(actor=user_a1, name="t")
    web = login(admin_user)
    url = reverse("admin:clients_user_change", args=[user_a1.pk])
    form = web.get(url).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "password"}
    data.update(
        is_active="",
        site=user_a1.site_id,
        client=user_a1.client_id,
        groups=[],
        user_permissions=[],
        last_login_0="",
        last_login_1="",
        date_joined_0="2026-01-01",
        date_joined_1="00:00:00",
    )
    data.pop("is_active")
    response = web.post(url, data, REMOTE_ADDR=IP)
    assert response.status_code == 302, response.context["adminform"].form.errors
    suspended = only(Action.USER_SUSPENDED)
    assert (suspended.actor, suspended.ip) == (admin_user, IP)
    assert suspended.changes == {"is_active": {"old": True, "new": False}}
    swept = only(Action.TOKENS_REVOKED_ALL)
    assert (swept.actor, swept.subject_user, swept.changes["count"]) == (admin_user, user_a1, 1)


def test_client_suspension(client_a, admin_user, rf):
    client_a.status = Client.Status.SUSPENDED
    client_a.save()
    event = only(Action.CLIENT_STATUS)
    assert event.changes["status"] == {"old": "active", "new": "suspended"}


def test_team_membership_and_clients(client_a):
    agent = f.make_user(role="agent")
    team = f.make_team(members=[], clients=[])
    team.members.add(agent)
    team.clients.add(client_a)
    assert only(Action.TEAM_MEMBERS).changes["members"] == {"added": [agent.pk]}
    assert only(Action.TEAM_CLIENTS).client is None


def test_monthly_report_download(login, manager_a, client_a):
    from tests.monthly.helpers import make_ready_report

    report = make_ready_report(client_a)
    response = login(manager_a).get(
        reverse("monthly:report-download", args=[report.pk, "pdf"]), REMOTE_ADDR=IP
    )
    assert response.status_code == 200
    event = only(Action.REPORT_DOWNLOAD)
    assert (event.actor, event.client, event.ip) == (manager_a, client_a, IP)
    assert event.changes == {"report": report.pk, "kind": "pdf"}


def test_rows_are_append_only(user_a1):
    event = AuditEvent.objects.create(at="2026-11-01T00:00:00Z", action=Action.LOGIN)
    event.action = Action.LOGIN_FAILED
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action=Action.LOGIN_FAILED)
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert list(AuditEvent.objects.values_list("action", flat=True)) == [Action.LOGIN]


def test_admin_is_view_only(login, admin_user):
    event = AuditEvent.objects.create(at="2026-11-01T00:00:00Z", action=Action.LOGIN)
    web = login(admin_user)
    assert web.get(reverse("admin:audit_auditevent_changelist")).status_code == 200
    assert web.get(reverse("admin:audit_auditevent_add")).status_code == 403
    assert web.get(reverse("admin:audit_auditevent_delete", args=[event.pk])).status_code == 403
    web.post(reverse("admin:audit_auditevent_change", args=[event.pk]), {"action": "login_failed"})
    assert list(AuditEvent.objects.values_list("action", flat=True)) == [Action.LOGIN]


def test_group_robots_added_changed_switched_off_and_removed(client, agent_a):
    """Every door through the model's save/delete; the key-bearing URL and the secret never in
    the log, only that they changed."""
    from robots.models import RobotTarget

    url = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=audit-secret-key-1"
    client.force_login(agent_a)
    team = agent_a.teams.get()
    data = {
        "team": team.pk,
        "name": "Duty",
        "vendor": "wecom",
        "url": url,
        "language": "zh-hans",
        "on_urgent_ticket": "on",
        "is_active": "on",
    }
    assert client.post(reverse("robots:robot-new"), data, REMOTE_ADDR=IP).status_code == 302
    robot = RobotTarget.objects.get()
    data.update(name="Duty desk", url=url.replace("-1", "-2"))
    client.post(reverse("robots:robot-edit", args=[robot.pk]), data, REMOTE_ADDR=IP)
    client.post(reverse("robots:robot-toggle", args=[robot.pk]), REMOTE_ADDR=IP)
    RobotTarget.objects.get().delete()
    rows = list(AuditEvent.objects.filter(action="robot_changed").order_by("id"))
    assert [row.changes["change"] for row in rows] == ["added", "changed", "changed", "removed"]
    assert rows[0].actor == agent_a and rows[0].ip == IP
    assert rows[0].changes["on_urgent_ticket"] is True and rows[0].changes["team"] == team.name
    assert rows[1].changes["name"] == ["Duty", "Duty desk"] and rows[1].changes["url"] == "changed"
    assert rows[2].changes["is_active"] == [True, False]
    assert all("audit-secret-key" not in str(row.changes) for row in rows)
