"""A real Celery worker on Redis runs a task sent through the broker (CI)."""

import pytest

from itsm.celery import app as celery_app
from itsm.models import Heartbeat, OutboundEmail
from tests.servers import require_postgres, require_redis
from tests.worker import celery_process, wait_for


@pytest.mark.server
@pytest.mark.django_db(transaction=True)
def test_worker_runs_a_task_sent_through_redis(tmp_path):
    require_postgres()
    require_redis()
    with celery_process("worker", "--pool=solo", "--without-heartbeat", tmp_path=tmp_path):
        celery_app.send_task("itsm.tasks.heartbeat")
        beat = wait_for(lambda: Heartbeat.objects.filter(name="beat").first(), timeout=60)
    log = (tmp_path / "worker.log").read_text()
    assert beat is not None, f"the worker never ran the task; its log:\n{log[-3000:]}"
    assert "itsm.tasks.heartbeat" in log


@pytest.mark.server
@pytest.mark.django_db(transaction=True)
def test_worker_sends_mail_routed_to_the_mail_queue(tmp_path):
    require_postgres()
    require_redis()
    email = OutboundEmail.objects.create(to="user@example.cn", subject="Queued", body="Body")
    args = ("worker", "-Q", "celery,mail", "--pool=solo", "--without-heartbeat")
    with celery_process(*args, tmp_path=tmp_path):
        # Through the broker (unit tests run tasks eagerly); routed to "mail" by itsm/celery.py.
        celery_app.send_task("itsm.tasks.outbound_email_send", args=[email.pk])
        sent = wait_for(
            lambda: OutboundEmail.objects.filter(pk=email.pk, sent_at__isnull=False).exists(),
            timeout=60,
        )
    log = (tmp_path / "worker.log").read_text()
    assert sent, f"the mail worker never sent the row; its log:\n{log[-3000:]}"
    assert "Message-ID:" in log  # the console backend printed the message with its header
