"""Outbox delivery: claimed before sending, one Message-ID per row, mail on its own queue."""

import smtplib
from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from django.core import mail
from django.core.mail import get_connection
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.utils import timezone

from itsm import outbox
from itsm.celery import app as celery_app
from itsm.models import OutboundEmail

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent


class ScriptedBackend(LocmemBackend):
    """Raises the queued errors one per send, then delivers to mail.outbox; records attempts."""

    errors: list[Exception] = []
    attempts: list = []
    during_send = None

    def send_messages(self, messages):
        ScriptedBackend.attempts.extend(messages)
        if ScriptedBackend.during_send:
            ScriptedBackend.during_send()
        if ScriptedBackend.errors:
            raise ScriptedBackend.errors.pop(0)
        return super().send_messages(messages)


@pytest.fixture
def backend(settings):
    settings.EMAIL_BACKEND = f"{__name__}.ScriptedBackend"
    ScriptedBackend.errors, ScriptedBackend.attempts, ScriptedBackend.during_send = [], [], None
    yield ScriptedBackend
    ScriptedBackend.during_send = None


def stored(**fields) -> OutboundEmail:
    return outbox.email_enqueue(to="user@example.cn", subject="Hello", body="Body", **fields)


def test_message_id_is_stable_per_row_across_retries(backend):
    email = stored()
    backend.errors = [ConnectionRefusedError("smtp down")]
    now = timezone.now()
    assert outbox.outbox_drain(now=now) == 0
    assert outbox.outbox_drain(now=now + timedelta(minutes=1)) == 1
    first, second = backend.attempts
    assert first.message()["Message-ID"] == second.message()["Message-ID"] == email.message_id
    assert email.message_id.startswith("<") and email.message_id.endswith(">")
    other = stored()
    assert other.message_id != email.message_id


def test_two_senders_never_send_one_row_twice(backend):
    email = stored()
    inner = []
    # While the first sender talks to SMTP, a drain and a redelivered task try the same row.
    backend.during_send = lambda: inner.append(
        (outbox.outbox_drain(), outbox.outbound_email_send(email_id=email.pk))
    )
    assert outbox.outbound_email_send(email_id=email.pk) is True
    assert inner == [(0, False)]
    assert len(mail.outbox) == 1
    email.refresh_from_db()
    assert email.attempts == 1 and email.sent_at is not None


def test_attempt_is_recorded_before_smtp_is_contacted(backend):
    email = stored()
    seen = []
    backend.during_send = lambda: seen.append(OutboundEmail.objects.get(pk=email.pk))
    outbox.outbound_email_send(email_id=email.pk)
    (during,) = seen
    assert during.attempted_at is not None and during.attempts == 1 and during.sent_at is None


def test_row_of_a_killed_worker_waits_before_it_is_sent_again(backend):
    email = stored()
    now = timezone.now()
    assert outbox.outbound_email_claim(email_id=email.pk, now=now)  # worker dies after this
    assert outbox.outbox_drain(now=now + timedelta(minutes=5)) == 0
    later = now + outbox.UNCONFIRMED_RETRY_AFTER + timedelta(seconds=1)
    assert outbox.outbox_drain(now=later) == 1
    assert [m.message()["Message-ID"] for m in mail.outbox] == [email.message_id]


@pytest.mark.parametrize(
    ("error", "retried_next_minute"),
    [
        (ConnectionRefusedError("refused"), True),
        (smtplib.SMTPRecipientsRefused({"user@example.cn": (550, b"no")}), True),
        (TimeoutError("timed out"), False),  # the server may have accepted it
        (smtplib.SMTPServerDisconnected("gone"), False),
    ],
    ids=["refused", "recipient-refused", "timeout", "disconnected"],
)
def test_only_failures_that_accepted_nothing_are_retried_at_once(
    backend, error, retried_next_minute
):
    email = stored()
    backend.errors = [error]
    now = timezone.now()
    assert outbox.outbox_drain(now=now) == 0
    email.refresh_from_db()
    assert type(error).__name__ in email.last_error
    assert outbox.outbox_drain(now=now + timedelta(minutes=1)) == int(retried_next_minute)


def test_smtp_connections_time_out(settings):
    settings.EMAIL_TIMEOUT = 7
    connection = get_connection("django.core.mail.backends.smtp.EmailBackend")
    assert connection.timeout == 7


def test_mail_tasks_are_routed_to_the_mail_queue():
    route = celery_app.amqp.router.route
    for task in ("itsm.tasks.outbound_email_send", "itsm.tasks.outbox_drain"):
        assert route({}, task)["queue"].name == "mail", task
    for task in ("sla.tasks.sla_sweep", "itsm.tasks.heartbeat"):
        assert route({}, task)["queue"].name == "celery", task


def test_production_sends_mail_on_a_worker_of_its_own():
    # A hung SMTP server then holds the mailer's processes, never the sweep's (tools/faults.py).
    services = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    queues = {}
    for name in ("worker", "mailer"):
        command = services[name]["command"]
        queues[name] = command[command.index("-Q") + 1]
    assert queues == {"worker": "celery", "mailer": "mail"}
    # The local demo keeps one worker for both: its console backend cannot hang.
    assert "celery -A itsm worker -B -Q celery,mail" in (ROOT / "Makefile").read_text()
    # Workers started without -Q (tests, ad-hoc) consume every declared queue.
    assert {q.name for q in celery_app.conf.task_queues} == {"celery", "mail"}


@pytest.fixture
def hung_smtp_server():
    """A server that accepts connections and never says a word (not even the greeting)."""
    import socket

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    yield server.getsockname()[1]
    server.close()


def test_a_server_that_never_greets_is_retried_at_the_next_drain(settings, hung_smtp_server):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = (
        "127.0.0.1",
        hung_smtp_server,
        1,
    )
    email = stored()
    started = timezone.now()
    assert outbox.outbox_drain(now=started) == 0
    email.refresh_from_db()
    # Bounded by EMAIL_TIMEOUT, and no message was handed over: due again at once.
    assert (timezone.now() - started).total_seconds() < 5
    assert "timed out" in email.last_error
    assert email.sent_at is None and email.next_attempt_at <= timezone.now()
