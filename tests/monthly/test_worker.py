"""A real Celery worker on Redis draws a requested report and records its progress (CI)."""

import pytest
from django.utils import timezone

from itsm.celery import app as celery_app
from reports.monthly.models import MonthlyReport
from reports.monthly.services import GENERATION_STEPS
from tests.servers import require_postgres, require_redis
from tests.worker import celery_process, wait_for


@pytest.mark.server
@pytest.mark.django_db(transaction=True)
def test_worker_generates_the_report_sent_through_redis(tmp_path, client_a, manager_a):
    require_postgres()
    require_redis()
    now = timezone.now()
    report = MonthlyReport.objects.create(
        client=client_a,
        period_start=now.date().replace(day=1),
        period_end=now.date(),
        language="zh-hans",
        created_at=now,
        progress_total=GENERATION_STEPS,
    )
    with celery_process("worker", "--pool=solo", "--without-heartbeat", tmp_path=tmp_path):
        celery_app.send_task("reports.monthly.tasks.monthly_report_generate", args=[report.pk])
        done = wait_for(
            lambda: MonthlyReport.objects.filter(pk=report.pk, status="ready").first(), timeout=90
        )
    log = (tmp_path / "worker.log").read_text()
    assert done is not None, f"the worker never drew the report; its log:\n{log[-3000:]}"
    assert done.progress_done == GENERATION_STEPS
    with done.pdf.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"
