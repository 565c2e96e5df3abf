"""The robots page and admin: who may manage which team's robots; URL and secret write-only;
bad input refused with a message; deliveries visible; constant queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from itsm.tenancy import Role
from robots import delivery
from robots.models import Event, RobotMessage, RobotTarget
from tests import factories as f

pytestmark = pytest.mark.django_db

WECOM = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=real-secret-key-0001"


def form_data(team=None, **changes):
    data = {
        "name": "Duty group",
        "vendor": "wecom",
        "url": WECOM,
        "secret": "",
        "language": "zh-hans",
        "on_urgent_ticket": "on",
        "on_sla_breach": "on",
        "is_active": "on",
        **changes,
    }
    if team is not None:
        data["team"] = team.pk
    return data


@pytest.fixture
def robot_a(agent_a):
    return RobotTarget.objects.create(
        team=agent_a.teams.get(), name="Team A duty", vendor="wecom", url=WECOM, secret=""
    )


def test_a_lead_adds_a_robot_and_never_sees_its_url_again(client, agent_a):
    client.force_login(agent_a)
    team = agent_a.teams.get()
    response = client.post(reverse("robots:robot-new"), form_data(team))
    assert response.status_code == 302
    robot = RobotTarget.objects.get()
    assert (robot.team, robot.url, robot.language) == (team, WECOM, "zh-hans")
    assert (robot.on_urgent_ticket, robot.on_sla_warning, robot.on_sla_breach) == (
        True,
        False,
        True,
    )
    for url in (reverse("robots:robot-list"), reverse("robots:robot-edit", args=[robot.pk])):
        page = client.get(url).content.decode()
        assert "real-secret-key" not in page and "qyapi.weixin.qq.com/…0001" in page


def test_editing_with_an_empty_url_and_secret_keeps_them(client, agent_a):
    client.force_login(agent_a)
    robot = RobotTarget.objects.create(
        team=agent_a.teams.get(),
        name="Ding",
        vendor="dingtalk",
        url="https://oapi.dingtalk.com/robot/send?access_token=abc",
        secret="SECsecret-value",
    )
    page = client.get(reverse("robots:robot-edit", args=[robot.pk])).content.decode()
    assert "SECsecret-value" not in page and "access_token=abc" not in page
    data = form_data(name="Ding renamed", url="", secret="")
    assert client.post(reverse("robots:robot-edit", args=[robot.pk]), data).status_code == 302
    robot.refresh_from_db()
    assert robot.name == "Ding renamed" and robot.secret == "SECsecret-value"
    assert robot.url.endswith("access_token=abc")
    data["clear_secret"] = "on"
    client.post(reverse("robots:robot-edit", args=[robot.pk]), data)
    robot.refresh_from_db()
    assert robot.secret == ""


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=1", "must start with https://"),
        ("https://evil.example.com/hook", "not a webhook URL of this kind"),
        ("https://qyapi.weixin.qq.com.evil.example/x", "not a webhook URL of this kind"),
        ("https://oapi.dingtalk.com/robot/send?access_token=1", "not a webhook URL of this kind"),
        ("https://u:p@qyapi.weixin.qq.com/x", "not a webhook URL of this kind"),
        ("https://qyapi.weixin.qq.com:8443/x", "standard https port"),
        ("http://127.0.0.1:8080/hook", "must start with https://"),
        ("http://169.254.169.254/latest/meta-data", "must start with https://"),
    ],
)
def test_bad_urls_are_refused_with_a_message(client, agent_a, url, message):
    client.force_login(agent_a)
    response = client.post(reverse("robots:robot-new"), form_data(agent_a.teams.get(), url=url))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not RobotTarget.objects.exists()


def test_a_bad_url_on_edit_loses_nothing(client, agent_a, robot_a):
    client.force_login(agent_a)
    data = form_data(name="New name", url="https://evil.example.com/x")
    response = client.post(reverse("robots:robot-edit", args=[robot_a.pk]), data)
    assert response.status_code == 400
    robot_a.refresh_from_db()
    assert (robot_a.name, robot_a.url) == ("Team A duty", WECOM)


def test_loopback_only_where_allowed(settings):
    from django.core.exceptions import ValidationError

    from robots.vendors import validate_url

    settings.DEBUG, settings.ROBOTS_ALLOW_LOOPBACK = False, False
    with pytest.raises(ValidationError):
        validate_url("wecom", "http://127.0.0.1:9/x")
    settings.ROBOTS_ALLOW_LOOPBACK = True
    assert validate_url("wecom", "http://127.0.0.1:9/x") == "http://127.0.0.1:9/x"
    with pytest.raises(ValidationError):  # loopback only, never another plain-http host
        validate_url("wecom", "http://10.0.0.1/x")
    settings.DEBUG, settings.ROBOTS_ALLOW_LOOPBACK = True, False
    assert validate_url("feishu", "http://[::1]:9/x")


def test_another_teams_lead_sees_and_changes_nothing(client, agent_b, robot_a):
    client.force_login(agent_b)
    assert "Team A duty" not in client.get(reverse("robots:robot-list")).content.decode()
    for name in ("robots:robot-edit", "robots:robot-test", "robots:robot-toggle"):
        assert client.post(reverse(name, args=[robot_a.pk]), form_data()).status_code == 404
    assert client.get(reverse("robots:robot-edit", args=[robot_a.pk])).status_code == 404
    # Nor can they add a robot to team A by naming it.
    response = client.post(reverse("robots:robot-new"), form_data(robot_a.team))
    assert response.status_code == 400
    robot_a.refresh_from_db()
    assert robot_a.is_active and robot_a.name == "Team A duty"
    assert RobotTarget.objects.count() == 1 and not RobotMessage.objects.exists()


def test_a_team_member_who_is_not_its_lead_cannot_manage(client, agent_a, robot_a):
    member = f.make_user(role=Role.AGENT)
    robot_a.team.members.add(member)
    client.force_login(member)
    page = client.get(reverse("robots:robot-list")).content.decode()
    assert "Team A duty" not in page and reverse("robots:robot-new") not in page
    assert client.post(reverse("robots:robot-toggle", args=[robot_a.pk])).status_code == 404


def test_an_admin_manages_every_team(client, admin_user, robot_a, agent_b):
    client.force_login(admin_user)
    assert "Team A duty" in client.get(reverse("robots:robot-list")).content.decode()
    response = client.post(reverse("robots:robot-new"), form_data(agent_b.teams.get()))
    assert response.status_code == 302


@pytest.mark.parametrize("who", ["user_a1", "manager_a"])
def test_client_side_people_are_refused(request, client, who, robot_a):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("robots:robot-list")).status_code == 403
    assert client.post(reverse("robots:robot-toggle", args=[robot_a.pk])).status_code == 403


def test_switch_off_and_on(client, agent_a, robot_a):
    client.force_login(agent_a)
    client.post(reverse("robots:robot-toggle", args=[robot_a.pk]))
    robot_a.refresh_from_db()
    assert not robot_a.is_active
    response = client.post(reverse("robots:robot-test", args=[robot_a.pk]), follow=True)
    assert "Switch the robot on before testing it." in response.content.decode()
    client.post(reverse("robots:robot-toggle", args=[robot_a.pk]))
    robot_a.refresh_from_db()
    assert robot_a.is_active


def test_send_a_test_message_and_see_a_failure(client, agent_a, robot_server):
    robot = RobotTarget.objects.create(
        team=agent_a.teams.get(),
        name="Local",
        vendor="wecom",
        url=robot_server.url(),
        language="en",
    )
    robot_server.script = [(200, {"errcode": 93000, "errmsg": "invalid webhook url"}, 0)]
    client.force_login(agent_a)
    client.post(reverse("robots:robot-test", args=[robot.pk]))
    delivery.robots_drain()
    assert robot_server.requests[0]["body"]["markdown"]["content"].startswith("### Test message")
    page = client.get(reverse("robots:robot-list")).content.decode()
    assert "errcode 93000: invalid webhook url" in page and "Test message" in page
    delivery.robots_drain(now=timezone.now() + timezone.timedelta(minutes=5))
    page = client.get(reverse("robots:robot-list")).content.decode()
    assert "errcode 93000" not in page  # delivered at the retry: no longer a problem
    assert RobotMessage.objects.get().sent_at


def test_the_page_in_chinese(client, agent_a, robot_a):
    agent_a.language = "zh-hans"
    agent_a.save()
    client.force_login(agent_a)
    page = client.get(reverse("robots:robot-list"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    text = page.content.decode()
    assert "群机器人" in text and "发送测试消息" in text and "企业微信群机器人" in text


def _list_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("robots:robot-list")).status_code == 200
    return len(queries)


def test_the_list_costs_the_same_for_2_or_12_robots(client, admin_user):
    client.force_login(admin_user)

    def add(n):
        for _ in range(n):
            team = f.make_team()
            robot = RobotTarget.objects.create(team=team, name="r", vendor="wecom", url=WECOM)
            RobotMessage.objects.create(
                target=robot, event=Event.TEST, key=f"k{robot.pk}", attempts=2, last_error="x"
            )

    add(2)
    few = _list_queries(client)
    add(10)
    assert _list_queries(client) == few


def test_admin_form_keeps_the_secret_and_shows_deliveries(client, admin_user, robot_a):
    client.force_login(admin_user)
    url = reverse("admin:robots_robottarget_change", args=[robot_a.pk])
    page = client.get(url).content.decode()
    assert "real-secret-key" not in page
    data = form_data(name="Renamed in admin", url="")
    data.update(team=robot_a.team_id, on_low_rating="on")
    assert client.post(url, data).status_code == 302
    robot_a.refresh_from_db()
    assert robot_a.name == "Renamed in admin" and robot_a.url == WECOM and robot_a.on_low_rating
    data["url"] = "https://evil.example.com/x"
    assert client.post(url, data).status_code == 200  # the form again, with the error
    robot_a.refresh_from_db()
    assert robot_a.url == WECOM
    message = RobotMessage.objects.create(
        target=robot_a,
        event=Event.TEST,
        key="k",
        attempts=6,
        failed_at=timezone.now(),
        last_error="HTTP 500",
    )
    changelist = client.get(reverse("admin:robots_robotmessage_changelist")).content.decode()
    assert "HTTP 500" in changelist and "Gave up" in changelist
    client.post(
        reverse("admin:robots_robotmessage_changelist"),
        {"action": "send_again", "_selected_action": [message.pk]},
    )
    message.refresh_from_db()
    assert message.failed_at is None and message.attempts == 0 and message.next_attempt_at


def test_admin_checks_the_kept_url_against_a_changed_kind(client, admin_user, robot_a):
    """The page never changes a robot's kind; the admin may, and then the stored URL must fit."""
    client.force_login(admin_user)
    url = reverse("admin:robots_robottarget_change", args=[robot_a.pk])
    data = form_data(name=robot_a.name, url="", vendor="dingtalk")
    data.update(team=robot_a.team_id)
    assert client.post(url, data).status_code == 200  # the form again, with the error
    robot_a.refresh_from_db()
    assert robot_a.vendor == "wecom" and robot_a.url == WECOM
