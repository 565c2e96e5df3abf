"""Posting to each vendor's robot: payload shapes, signatures checked independently, retries,
timeouts, the vendor's error code in a 200 answer, and no credential in errors or logs."""

import base64
import hashlib
import hmac
import logging
import time
from datetime import timedelta

import pytest
from django.utils import timezone

from robots import delivery
from robots.models import Event, RobotMessage

pytestmark = pytest.mark.django_db


def queue(target, *, event=Event.TEST, key="k1", context=None) -> RobotMessage:
    context = context if context is not None else {"team": target.team.name}
    [row] = delivery.messages_enqueue(
        [RobotMessage(target=target, event=event, key=key, context=context)]
    )
    return RobotMessage.objects.get(target=target, key=key)


def test_wecom_payload_is_markdown_content(robot_server, make_robot):
    robot = make_robot(robot_server, vendor="wecom")
    message = queue(robot)
    assert delivery.message_send(message_id=message.pk) is True
    [request] = robot_server.requests
    assert request["path"] == "/cgi-bin/webhook/send" and request["query"] == {
        "key": "test-key-123456"
    }
    assert request["headers"]["Content-Type"].startswith("application/json")
    body = request["body"]
    assert body["msgtype"] == "markdown" and set(body) == {"msgtype", "markdown"}
    assert body["markdown"]["content"].startswith("### Test message from the IT Service Desk")
    assert "https://desk.example.cn/" in body["markdown"]["content"]
    message.refresh_from_db()
    assert message.sent_at and message.attempts == 1 and message.last_error == ""


def test_dingtalk_signature_in_the_query_verifies(robot_server, make_robot):
    secret = "SECabc123dingtalk"
    robot = make_robot(robot_server, vendor="dingtalk", secret=secret)
    before = int(time.time() * 1000)
    assert delivery.message_send(message_id=queue(robot).pk)
    [request] = robot_server.requests
    query = request["query"]
    assert query["access_token"] == "tok-abcdef"
    timestamp = int(query["timestamp"])
    assert before - 1000 <= timestamp <= int(time.time() * 1000) + 1000  # milliseconds
    expected = base64.b64encode(
        hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    ).decode()
    assert query["sign"] == expected  # parse_qs undid the URL encoding
    body = request["body"]
    assert body["msgtype"] == "markdown" and set(body["markdown"]) == {"title", "text"}
    assert body["markdown"]["title"] == "Test message from the IT Service Desk"
    assert body["markdown"]["text"].startswith("### Test message")


def test_dingtalk_without_secret_sends_no_signature(robot_server, make_robot):
    robot = make_robot(robot_server, vendor="dingtalk")
    assert delivery.message_send(message_id=queue(robot).pk)
    assert robot_server.requests[0]["query"] == {"access_token": "tok-abcdef"}


def test_dingtalk_sign_is_url_encoded_on_the_wire():
    from urllib.parse import urlsplit

    from robots.vendors import request_for

    url, _body = request_for(
        vendor="dingtalk",
        url="https://oapi.dingtalk.com/robot/send?access_token=t",
        secret="SEC+/=",
        title="t",
        text="x",
        now_s=1700000000.123,
    )
    query = urlsplit(url).query
    assert "timestamp=1700000000123" in query
    raw_sign = query.split("sign=")[1]
    assert "+" not in raw_sign and "/" not in raw_sign and "=" not in raw_sign
    assert raw_sign.endswith("%3D")  # base64 padding, percent-encoded


def test_feishu_card_and_body_signature_verify(loopback, make_robot):
    from .server import RobotServer

    secret = "feishu-secret-xyz"
    with RobotServer(ok_body={"code": 0, "msg": "success", "data": {}}) as server:
        robot = make_robot(server, vendor="feishu", secret=secret)
        assert delivery.message_send(message_id=queue(robot).pk)
    [request] = server.requests
    body = request["body"]
    assert isinstance(body["timestamp"], str) and abs(int(body["timestamp"]) - time.time()) < 5
    expected = base64.b64encode(
        hmac.new(f"{body['timestamp']}\n{secret}".encode(), b"", hashlib.sha256).digest()
    ).decode()
    assert body["sign"] == expected
    assert body["msg_type"] == "interactive"
    card = body["card"]
    assert card["header"]["title"] == {
        "tag": "plain_text",
        "content": "Test message from the IT Service Desk",
    }
    [element] = card["elements"]
    assert element["tag"] == "div" and element["text"]["tag"] == "lark_md"
    assert "https://desk.example.cn/" in element["text"]["content"]
    # The title is the card's header; lark_md would show a "###" heading as it is.
    assert "###" not in element["text"]["content"]


def test_feishu_error_code_in_a_200_answer_is_a_failure(loopback, make_robot):
    from .server import RobotServer

    with RobotServer(ok_body={"code": 0, "msg": "success"}) as server:
        server.script = [
            (
                200,
                {
                    "code": 19021,
                    "msg": "sign match fail or timestamp is not within one hour from current time",
                },
                0,
            )
        ]
        robot = make_robot(server, vendor="feishu", secret="s")
        message = queue(robot)
        assert delivery.message_send(message_id=message.pk) is False
        message.refresh_from_db()
        assert message.last_error.startswith("code 19021") and message.sent_at is None
        later = timezone.now() + timedelta(minutes=2)
        assert delivery.robots_drain(now=later) == 1
    message.refresh_from_db()
    assert message.sent_at and message.attempts == 2


def test_retries_on_500_and_errcode_with_backoff(robot_server, make_robot):
    robot = make_robot(robot_server)
    message = queue(robot)
    robot_server.script = [
        (500, {"error": "boom"}, 0),
        (200, {"errcode": 93000, "errmsg": "invalid webhook url"}, 0),
    ]
    start = timezone.now()
    assert delivery.message_send(message_id=message.pk, now=start) is False
    message.refresh_from_db()
    assert message.last_error == "HTTP 500" and message.attempts == 1
    first_wait = message.next_attempt_at - start
    assert timedelta(seconds=25) <= first_wait <= timedelta(seconds=40)
    # Not due yet: the drain leaves it.
    assert delivery.robots_drain(now=start + timedelta(seconds=5)) == 0
    assert delivery.robots_drain(now=start + timedelta(minutes=1)) == 0
    message.refresh_from_db()
    assert message.last_error.startswith("errcode 93000") and message.attempts == 2
    second_wait = message.next_attempt_at - timezone.now()
    assert second_wait > first_wait  # backoff grows
    assert delivery.robots_drain(now=start + timedelta(minutes=5)) == 1
    message.refresh_from_db()
    assert message.sent_at and message.attempts == 3 and message.last_error == ""
    assert message.next_attempt_at is None  # delivered: no attempt is pending
    assert len(robot_server.requests) == 3


def test_gives_up_after_max_attempts(robot_server, make_robot):
    robot = make_robot(robot_server)
    message = queue(robot)
    robot_server.script = [(503, {}, 0)] * delivery.MAX_ATTEMPTS
    now = timezone.now()
    for _ in range(delivery.MAX_ATTEMPTS):
        now += timedelta(hours=2)
        delivery.robots_drain(now=now)
    message.refresh_from_db()
    assert message.failed_at and message.sent_at is None
    assert message.state == RobotMessage.State.FAILED
    assert delivery.robots_drain(now=now + timedelta(days=1)) == 0
    assert len(robot_server.requests) == delivery.MAX_ATTEMPTS


def test_a_hung_robot_times_out_without_blocking(robot_server, make_robot, settings):
    settings.ROBOTS_HTTP_TIMEOUT = 1
    robot = make_robot(robot_server)
    message = queue(robot)
    robot_server.script = [(200, {"errcode": 0}, 30)]  # answers after 30 s
    started = time.monotonic()
    assert delivery.message_send(message_id=message.pk) is False
    assert time.monotonic() - started < 5
    message.refresh_from_db()
    assert message.last_error == "timed out" and message.next_attempt_at is not None


def test_a_redirect_is_not_followed(robot_server, make_robot):
    robot = make_robot(robot_server)
    message = queue(robot)
    robot_server.script = [(302, {}, 0)]
    assert delivery.message_send(message_id=message.pk) is False
    message.refresh_from_db()
    assert message.last_error == "HTTP 302"
    assert len(robot_server.requests) == 1


def test_errors_and_logs_never_show_the_url(robot_server, make_robot, caplog):
    robot = make_robot(robot_server)
    message = queue(robot)
    robot_server.script = [(500, {}, 0)]
    with caplog.at_level(logging.DEBUG):
        delivery.message_send(message_id=message.pk)
    robot_server.httpd.shutdown()  # refused connection now
    robot_server.httpd.server_close()
    with caplog.at_level(logging.DEBUG):
        delivery.robots_drain(now=timezone.now() + timedelta(minutes=5))
    message.refresh_from_db()
    assert message.last_error and "test-key-123456" not in message.last_error
    assert "test-key-123456" not in caplog.text and f"robot {robot.pk}" in caplog.text


def test_two_senders_post_a_message_once(robot_server, make_robot):
    robot = make_robot(robot_server)
    message = queue(robot)
    now = timezone.now()
    assert delivery.message_claim(message_id=message.pk, now=now) is not None
    assert delivery.message_send(message_id=message.pk, now=now) is False  # claimed
    assert robot_server.requests == []


def test_a_switched_off_robot_gets_nothing(robot_server, make_robot):
    robot = make_robot(robot_server)
    message = queue(robot)
    robot.is_active = False
    robot.save()
    assert delivery.message_send(message_id=message.pk) is False
    message.refresh_from_db()
    assert message.failed_at and message.last_error == "robot disabled"
    assert robot_server.requests == []


def test_after_commit_the_task_posts_it(
    robot_server, make_robot, django_capture_on_commit_callbacks
):
    robot = make_robot(robot_server)
    with django_capture_on_commit_callbacks(execute=True):
        queue(robot)
        assert robot_server.requests == []  # nothing before the commit
    assert len(robot_server.requests) == 1


def test_broker_down_leaves_the_row_for_the_drain(
    robot_server, make_robot, monkeypatch, django_capture_on_commit_callbacks
):
    from robots import tasks

    def down(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.robot_messages_send, "delay", down)
    robot = make_robot(robot_server)
    with django_capture_on_commit_callbacks(execute=True):
        message = queue(robot)
    assert robot_server.requests == []
    assert delivery.robots_drain() == 1
    message.refresh_from_db()
    assert message.sent_at


def test_drain_task_is_on_the_beat_and_the_mail_queue():
    from itsm.celery import BEAT_SCHEDULE, MAIL_QUEUE, app

    assert BEAT_SCHEDULE["robots-drain"]["task"] == "robots.tasks.robots_drain"
    for name in ("robots.tasks.robots_drain", "robots.tasks.robot_messages_send"):
        assert app.conf.task_routes[name] == {"queue": MAIL_QUEUE}


def test_a_refused_connection_is_named_in_the_readers_language(make_robot, loopback):
    import socket

    from django.utils import translation

    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    class Closed:
        def url(self, path):
            return f"http://127.0.0.1:{port}{path}"

    robot = make_robot(Closed(), vendor="wecom")
    message = queue(robot)
    assert delivery.message_send(message_id=message.pk) is False
    message.refresh_from_db()
    assert message.last_error == "connection refused"
    with translation.override("zh-hans"):
        assert message.error_text == "连接被拒绝"
    with translation.override("en"):
        assert message.error_text == "connection refused"
