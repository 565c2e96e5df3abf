"""Which events reach which robot: hooked on the domain's own signals; only rows are written
in the change's transaction, the posting happens after commit; no personal data in the text."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from reports.complaints.escalation import complaints_sweep
from reports.complaints.models import ComplaintSettings
from robots import delivery
from robots.models import Event, RobotMessage
from sla.services import sla_sweep
from tests import factories as f
from tests.complaints.conftest import cst, open_complaint
from tests.satisfaction.helpers import resolve
from tests.sla.conftest import FOR_PRIORITY
from tickets import services as ts

pytestmark = pytest.mark.django_db


def posted_texts(server) -> list[str]:
    texts = []
    for request in server.requests:
        body = request["body"]
        texts.append(body["markdown"].get("content") or body["markdown"].get("text"))
    return texts


def events_of(robot) -> list[str]:
    return sorted(RobotMessage.objects.filter(target=robot).values_list("event", flat=True))


@pytest.fixture
def private_requester(client_a, site_a):
    return f.make_user(
        client=client_a,
        site=site_a,
        username="zhang.wei",
        email="zhang.wei.private@example.cn",
        first_name="伟",
        last_name="张",
        phone="+86 138 0013 8000",
    )


def test_a_p1_ticket_reaches_wecom_a_p3_does_not(robot_server, make_robot, private_requester):
    make_robot(robot_server, vendor="wecom")
    urgent = f.make_ticket(
        requester=private_requester,
        subject="核心交换机宕机 core switch down",
        description="Call me on my mobile, secret description",
        **FOR_PRIORITY[1],
    )
    routine = f.make_ticket(requester=private_requester, subject="Mouse squeaks", **FOR_PRIORITY[3])
    assert delivery.robots_drain() == 1
    [text] = posted_texts(robot_server)
    assert urgent.reference in text and "P1" in text and "核心交换机宕机" in text
    assert urgent.client.name in text
    assert "https://desk.example.cn" + reverse("tickets:ticket-workspace", args=[urgent.pk]) in text
    assert routine.reference not in text
    # Nothing about the person who called: name, username, email, phone, the description.
    for private in [
        "zhang.wei",
        "private@example.cn",
        "张",
        "138 0013",
        "secret description",
        private_requester.display_name,
    ]:
        assert private not in text, private


def test_raised_to_p2_later_is_announced_once(robot_server, make_robot, user_a1, agent_a):
    robot = make_robot(robot_server)
    ticket = f.make_ticket(requester=user_a1, **FOR_PRIORITY[3])
    assert events_of(robot) == []
    ts.ticket_change_priority(actor=agent_a, ticket=ticket, priority=2)
    ticket.refresh_from_db()
    ts.ticket_change_priority(actor=agent_a, ticket=ticket, priority=3)
    ticket.refresh_from_db()
    ts.ticket_change_priority(actor=agent_a, ticket=ticket, priority=1)
    assert events_of(robot) == [Event.URGENT_TICKET]


def test_each_robot_gets_only_the_events_it_chose(robot_server, make_robot, user_a1):
    wants = make_robot(robot_server, name="wants")
    quiet = make_robot(robot_server, name="quiet", on_urgent_ticket=False)
    off = make_robot(robot_server, name="off", is_active=False)
    f.make_ticket(requester=user_a1, **FOR_PRIORITY[2])
    assert events_of(wants) == [Event.URGENT_TICKET]
    assert events_of(quiet) == events_of(off) == []


def test_other_teams_robots_hear_nothing(robot_server, make_robot, user_a1, agent_b):
    robot_b = make_robot(robot_server, team=agent_b.teams.get())
    f.make_ticket(requester=user_a1, **FOR_PRIORITY[1])
    assert events_of(robot_b) == []


def test_the_sweep_only_writes_rows_and_posts_after_commit(
    robot_server, make_robot, user_a1, django_capture_on_commit_callbacks
):
    robot = make_robot(robot_server, on_urgent_ticket=False)
    ticket = f.make_ticket(requester=user_a1, **FOR_PRIORITY[1])
    later = timezone.now() + timedelta(days=30)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert sla_sweep(now=later) >= 1
    assert robot_server.requests == []  # the sweep itself talked to no robot
    assert events_of(robot) == [Event.SLA_BREACH] * 2 + [Event.SLA_WARNING] * 2
    for callback in callbacks:
        callback()
    texts = posted_texts(robot_server)
    assert len(texts) == 4
    assert sum("SLA breached" in t for t in texts) == 2
    assert sum("SLA about to breach" in t for t in texts) == 2
    assert all(ticket.reference in t for t in texts)
    # A second sweep flags nothing new: nothing is sent twice.
    sla_sweep(now=later + timedelta(minutes=1))
    assert RobotMessage.objects.filter(target=robot).count() == 4


def test_complaints_new_and_escalated(
    robot_server, make_robot, user_a1, agent_a, client_a, ticket_a1
):
    robot = make_robot(robot_server, on_urgent_ticket=False)
    ComplaintSettings.objects.create(client=client_a, hold_to_working_hours=False)
    complaint = open_complaint(user_a1, tickets=[ticket_a1])
    assert events_of(robot) == [Event.COMPLAINT]
    assert complaints_sweep(now=cst(3, 2, 11, 5)) == 1
    assert events_of(robot) == [Event.COMPLAINT] * 2
    delivery.robots_drain()
    new, escalated = posted_texts(robot_server)
    assert f"New complaint {complaint.reference}" in new
    assert f"Complaint {complaint.reference} escalated to level 1" in escalated
    assert (
        "https://desk.example.cn" + reverse("complaints:complaint-detail", args=[complaint.pk])
        in new
    )
    assert user_a1.email not in new + escalated and "Still broken" not in new


def test_low_rating_is_announced_a_good_one_is_not(
    robot_server, make_robot, user_a1, agent_a, settings
):
    settings.CSAT_LOW_SCORE_THRESHOLD = 2
    robot = make_robot(robot_server)
    low = f.make_ticket(requester=user_a1)
    good = f.make_ticket(requester=user_a1)
    for ticket in (low, good):
        resolve(ticket, agent_a)
    ts.ticket_rate(actor=user_a1, ticket=low, score=1, comment="The agent 李四 was rude to me")
    ts.ticket_rate(actor=user_a1, ticket=good, score=5)
    assert events_of(robot) == [Event.LOW_RATING]
    delivery.robots_drain()
    [text] = posted_texts(robot_server)
    assert f"Low rating 1/5 on {low.reference}" in text
    assert "rude" not in text and user_a1.email not in text


def test_markup_in_a_subject_is_disarmed(robot_server, make_robot, user_a1):
    make_robot(robot_server)
    f.make_ticket(
        requester=user_a1,
        subject="[click](https://e.x) <font>x</font> " + "长" * 100,
        **FOR_PRIORITY[1],
    )
    delivery.robots_drain()
    [text] = posted_texts(robot_server)
    assert "[click](" not in text and "<font" not in text
    assert "长" * 20 in text and "长" * 60 not in text and text.count("…") == 1


def test_message_in_the_robots_language(robot_server, make_robot, user_a1):
    make_robot(robot_server, language="zh-hans")
    ticket = f.make_ticket(requester=user_a1, **FOR_PRIORITY[1])
    delivery.robots_drain()
    [text] = posted_texts(robot_server)
    assert f"新 P1 工单 {ticket.reference}" in text and "在工作台打开" in text


def test_the_sweeps_robot_rows_cost_the_same_for_1_or_10_clocks(robot_server, make_robot, user_a1):
    """Per sweep batch: tickets, team links, robots, existing keys, one INSERT; not per clock."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from robots import receivers
    from sla.models import SlaClock

    make_robot(robot_server)
    make_robot(robot_server, name="second")
    tickets = [f.make_ticket(requester=user_a1, **FOR_PRIORITY[3]) for _ in range(10)]
    clocks = list(SlaClock.objects.filter(ticket__in=tickets, kind="resolution"))

    def cost(some):
        with CaptureQueriesContext(connection) as queries:
            receivers.clocks_breached(None, clocks=some, now=timezone.now())
        return len(queries)

    one = cost(clocks[:1])
    assert cost(clocks[1:]) == one
    assert RobotMessage.objects.filter(event=Event.SLA_BREACH).count() == 20
