"""A real Celery worker on Redis runs a task sent through the broker (CI)."""

import pytest

from itsm.celery import app as celery_app
from itsm.models import Heartbeat
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
