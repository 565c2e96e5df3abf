"""Work started by a request survives a broker that is down: the request saves and answers as
usual (no 500), and a periodic pickup sends the task once the broker is back, run only once."""

from datetime import timedelta

import pytest
from django.utils import timezone
from kombu.exceptions import OperationalError

from reports.monthly import services as monthly
from reports.monthly import tasks as monthly_tasks
from reports.monthly.models import MonthlyReport
from sla import services as sla
from sla import tasks as sla_tasks
from sla.models import RetargetJob
from tests.sla.conftest import make_tier

pytestmark = pytest.mark.django_db


def broker_down(*args, **kwargs):
    raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


class Sent(list):
    def __call__(self, *args, **kwargs):
        self.append(args or tuple(kwargs.values()))


def test_a_report_requested_while_the_broker_is_down_is_sent_later(
    client, client_a, manager_a, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(monthly_tasks.monthly_report_generate, "delay", broker_down)
    client.force_login(manager_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/reports/monthly/", {"client": client_a.pk, "month": "2026-10"})
    report = MonthlyReport.objects.get()
    assert response.status_code == 302 and report.status == MonthlyReport.Status.GENERATING

    sent = Sent()
    monkeypatch.setattr(monthly_tasks.monthly_report_generate, "delay", sent)
    now = timezone.now()
    assert monthly.monthly_reports_resume(now=now) == []  # not stalled yet
    assert monthly.monthly_reports_resume(now=now + timedelta(minutes=11)) == [report.pk]
    assert sent == [(report.pk,)]


def test_a_tier_change_while_the_broker_is_down_is_retargeted_later_and_once(
    client_a, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(sla_tasks.sla_retarget, "delay", broker_down)
    tier = make_tier("Gold", targets={p: (30, 240) for p in (1, 2, 3, 4)})
    with django_capture_on_commit_callbacks(execute=True):
        job = sla.tier_retarget_queue(tier=tier)  # what the admin's save calls
    job.refresh_from_db()
    assert job.status == RetargetJob.Status.QUEUED

    sent = Sent()
    monkeypatch.setattr(sla_tasks.sla_retarget, "delay", sent)
    now = timezone.now()
    assert sla.retarget_jobs_resume(now=now) == []
    assert sla.retarget_jobs_resume(now=now + timedelta(minutes=6)) == [job.pk]
    assert sent == [(job.pk,)]
    # The resumed task and a late first one: the job runs once.
    assert sla.retarget_run(job_id=job.pk, now=now).status == RetargetJob.Status.DONE
    finished = RetargetJob.objects.get(pk=job.pk).finished_at
    assert sla.retarget_run(job_id=job.pk, now=now).finished_at == finished
    assert sla.retarget_jobs_resume(now=now + timedelta(minutes=6)) == []


def test_the_beat_runs_both_pickups():
    from itsm.celery import app

    tasks = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert {
        "sla.tasks.retarget_jobs_resume",
        "reports.monthly.tasks.monthly_reports_resume",
    } <= tasks
