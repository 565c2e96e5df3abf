"""The beat entry: on the 1st, last month's report for each active client, emailed to its
managers in their language with a link; each client's month ends at its own midnight."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from itsm.celery import app
from itsm.models import OutboundEmail
from reports.monthly.models import MonthlyReport
from reports.monthly.services import monthly_reports_schedule
from tests import factories as f

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
FIRST = datetime(2026, 11, 1, 2, 30, tzinfo=SH)


def test_beat_schedules_the_task_hourly_on_the_first_days():
    entry = app.conf.beat_schedule["monthly-reports-schedule"]
    assert entry["task"] == "reports.monthly.tasks.monthly_reports_schedule"
    assert entry["schedule"].day_of_month == {1, 2}
    assert entry["schedule"].minute == {30}


def test_first_of_month_generates_last_months_reports_and_emails_managers(
    client_a, client_b, manager_a, manager_b, django_capture_on_commit_callbacks
):
    manager_b.language = "zh-hans"
    manager_b.save()
    suspended = f.make_client(code="SX", status="suspended", suspension_reason="unpaid")
    with django_capture_on_commit_callbacks(execute=True):
        assert monthly_reports_schedule(now=FIRST) == 2
    reports = {r.client_id: r for r in MonthlyReport.objects.all()}
    assert set(reports) == {client_a.pk, client_b.pk}
    assert suspended.pk not in reports
    for report in reports.values():
        assert (report.period_start, report.period_end) == (date(2026, 10, 1), date(2026, 10, 31))
        assert report.status == MonthlyReport.Status.READY
    assert reports[client_b.pk].language == "zh-hans"  # its only manager reads Chinese
    english = OutboundEmail.objects.get(to=manager_a.email)
    chinese = OutboundEmail.objects.get(to=manager_b.email)
    assert "monthly service report 2026-10-01 to 2026-10-31" in english.subject
    assert f"/reports/monthly/{reports[client_a.pk].pk}/" in english.body
    assert "月度服务报告" in chinese.subject
    assert reports[client_a.pk].actions.filter(kind="emailed").exists()
    # Run again (hourly on the 1st and 2nd): nothing new, no second email.
    with django_capture_on_commit_callbacks(execute=True):
        assert monthly_reports_schedule(now=FIRST.replace(hour=3)) == 0
    assert OutboundEmail.objects.count() == 2


def test_a_client_whose_month_has_not_ended_yet_waits(db):
    western = f.make_client(code="NY", time_zone="America/New_York")
    # 02:30 on 1 November in Shanghai is still 31 October in New York.
    monthly_reports_schedule(now=FIRST)
    assert not MonthlyReport.objects.filter(client=western).exists()
    monthly_reports_schedule(now=datetime(2026, 11, 1, 1, 30, tzinfo=ZoneInfo("America/New_York")))
    report = MonthlyReport.objects.get(client=western)
    assert (report.period_start, report.period_end) == (date(2026, 10, 1), date(2026, 10, 31))
