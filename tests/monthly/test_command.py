"""generate_monthly_reports: the demo's last-month reports, drawn without a worker, once."""

import pytest
from django.core.management import CommandError, call_command

from reports.monthly.models import MonthlyReport

pytestmark = pytest.mark.django_db


def test_generates_each_active_clients_month_once(client_a, client_b, manager_a, capsys):
    call_command("generate_monthly_reports", "--month", "2026-10")
    reports = MonthlyReport.objects.order_by("client__code")
    assert [(r.client.code, str(r.period_end), r.status) for r in reports] == [
        ("DF", "2026-10-31", "ready"),
        ("HX", "2026-10-31", "ready"),
    ]
    assert all(r.pdf and r.xlsx for r in reports)
    call_command("generate_monthly_reports", "--month", "2026-10", "--client", "HX")
    assert MonthlyReport.objects.count() == 2
    assert "HX 2026-10 v1: kept (ready)" in capsys.readouterr().out


def test_default_is_last_month(client_a):
    call_command("generate_monthly_reports")
    report = MonthlyReport.objects.get()
    assert report.period_end.day >= 28 and report.period_start.day == 1


def test_bad_month_is_refused(db):
    with pytest.raises(CommandError, match="not a month"):
        call_command("generate_monthly_reports", "--month", "2026-13")


def test_december_9999_and_a_future_month_are_refused_like_on_the_page(client_a):
    with pytest.raises(CommandError, match="not a month"):
        call_command("generate_monthly_reports", "--month", "9999-12")
    with pytest.raises(CommandError, match="not started"):
        call_command("generate_monthly_reports", "--month", "2099-01")
    assert not MonthlyReport.objects.exists()
