"""Generation: the PDF says the client's Chinese name and compliance figure, the XLSX holds the
dashboard's numbers, progress is recorded, a failure is recorded and can be retried."""

import io

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from reports.dashboards.periods import Period
from reports.dashboards.sections import client_dashboard
from reports.dashboards.selectors import dashboard_data_for
from reports.monthly import services
from reports.monthly.models import MonthlyReport, ReportAction

from .conftest import NOW
from .helpers import make_ready_report

pytestmark = pytest.mark.django_db


def pdf_text(report) -> str:
    with report.pdf.open("rb") as handle:
        return "".join(page.extract_text() for page in PdfReader(io.BytesIO(handle.read())).pages)


def workbook(report):
    with report.xlsx.open("rb") as handle:
        return load_workbook(io.BytesIO(handle.read()), read_only=True)


def sheet_rows(book, name) -> tuple[list, list[dict]]:
    rows = list(book[name].iter_rows(values_only=True))
    header = list(rows[1])
    return header, [dict(zip(header, row, strict=False)) for row in rows[2:]]


@pytest.fixture
def dashboard(october_report, manager_a):
    period = Period("last_month", october_report.period_start, october_report.period_end)
    data = dashboard_data_for(user=manager_a, client=october_report.client, period=period, now=NOW)
    return client_dashboard(data)


def test_pdf_text_has_chinese_name_and_compliance_figure(october_report):
    assert october_report.status == MonthlyReport.Status.READY
    text = pdf_text(october_report)
    assert "华信银行" in text
    assert "75.0%" in text  # compliance of the hand-computed October (tests/dashboards)
    assert "太慢 too slow" in text  # T2's low score, with its comment
    assert october_report.summary["compliance"] == 75.0


def test_pdf_in_chinese_for_a_chinese_reader(october, manager_a):
    from reports.dashboards.rollups import rollups_rebuild

    rollups_rebuild(now=NOW)
    report = make_ready_report(october.client, now=NOW, language="zh-hans")
    text = pdf_text(report)
    assert "华信银行" in text and "月度服务报告" in text and "75.0%" in text


def test_xlsx_totals_match_the_dashboard(october_report, dashboard):
    book = workbook(october_report)
    sla = dashboard["sections"]["sla"]["figures"]
    volume = dashboard["sections"]["volume"]["figures"]
    _h, summary = sheet_rows(book, "summary")
    values = {row["Key"]: row["Value"] for row in summary}
    assert values["compliance"] == sla["compliance"] == 75.0
    assert values["breaches"] == sla["breaches"] == 2
    _h, days = sheet_rows(book, "volume")
    assert sum(row["Opened"] for row in days) == volume["opened"] == 4
    assert sum(row["Resolved"] for row in days) == volume["resolved"]
    _h, priorities = sheet_rows(book, "sla-priority")
    assert sum(row["Breaches"] for row in priorities) == sla["breaches"]
    assert sum(row["Opened"] for row in priorities) == volume["opened"]
    _h, scores = sheet_rows(book, "csat")
    sat = dashboard["sections"]["satisfaction"]["figures"]
    assert sum(row["Ratings"] for row in scores) == sat["rated"] == 3
    assert {"fairness-tiers", "fairness-sites", "breaches", "incidents"} <= set(book.sheetnames)
    _h, low = sheet_rows(book, "low-scores")
    assert [(row["Score"], row["Comment"]) for row in low] == [(2, "太慢 too slow")]


def test_progress_and_audit_trail_of_a_generation(october_report):
    assert october_report.progress_done == october_report.progress_total == 5
    kinds = list(october_report.actions.values_list("kind", flat=True))
    assert kinds == [ReportAction.Kind.GENERATED]


def test_notable_incidents_list_breached_p1_p2(october, manager_a):
    from reports.dashboards.rollups import rollups_rebuild
    from sla.models import SlaClock
    from tests.dashboards.conftest import clock, local

    urgent = october.ticket(
        "U1",
        site=october.sites[0],
        requester=october.requesters[0],
        created=local(10, 20),
        priority=1,
    )
    clock(urgent, SlaClock.Kind.RESPONSE, met=False, minutes=90, breached=local(10, 20, 11))
    rollups_rebuild(now=NOW)
    report = make_ready_report(october.client, now=NOW)
    _h, rows = sheet_rows(workbook(report), "incidents")
    assert [row["Ticket"] for row in rows] == [urgent.reference]
    assert urgent.reference in pdf_text(report)


def test_failed_generation_is_recorded_and_a_new_request_retries(
    october, manager_a, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(*args, **kwargs):
        raise RuntimeError("renderer down")

    monkeypatch.setattr(services, "render_pdf", broken)
    with django_capture_on_commit_callbacks(execute=True):
        report, created = services.monthly_report_request(
            actor=manager_a,
            client=october.client,
            start=NOW.date().replace(month=10, day=1),
            end=NOW.date().replace(month=10, day=31),
            now=NOW,
        )
    report.refresh_from_db()
    assert created and report.status == MonthlyReport.Status.FAILED
    assert "renderer down" in report.error
    assert not report.pdf
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        again, created = services.monthly_report_request(
            actor=manager_a,
            client=october.client,
            start=report.period_start,
            end=report.period_end,
            now=NOW,
        )
    again.refresh_from_db()
    assert again.pk == report.pk and created
    assert again.status == MonthlyReport.Status.READY and again.pdf
    # The task stamps its own time: order by insertion.
    kinds = list(again.actions.order_by("id").values_list("kind", flat=True))
    assert kinds == ["requested", "failed", "requested", "generated"]


def test_a_second_request_of_the_same_period_returns_the_report(october_report, manager_a):
    report, created = services.monthly_report_request(
        actor=manager_a,
        client=october_report.client,
        start=october_report.period_start,
        end=october_report.period_end,
        now=NOW,
    )
    assert (report.pk, created) == (october_report.pk, False)


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("2026-10-31", "2026-10-01", "before the start"),
        ("2025-01-01", "2026-10-31", "at most 366 days"),
        ("2026-12-01", "2026-12-31", "not started yet"),
    ],
)
def test_bad_periods_are_refused(client_a, manager_a, start, end, message):
    from datetime import date

    from itsm.exceptions import ApplicationError

    with pytest.raises(ApplicationError, match=message):
        services.monthly_report_request(
            actor=manager_a,
            client=client_a,
            start=date.fromisoformat(start),
            end=date.fromisoformat(end),
            now=NOW,
        )


def test_only_staff_write_next_steps(client_a, manager_a, agent_a):
    from datetime import date

    from itsm.exceptions import ApplicationError

    with pytest.raises(ApplicationError, match="service desk"):
        services.monthly_report_request(
            actor=manager_a,
            client=client_a,
            start=date(2026, 10, 1),
            end=date(2026, 10, 31),
            now=NOW,
            next_steps="we will do better",
        )
    report, _ = services.monthly_report_request(
        actor=agent_a,
        client=client_a,
        start=date(2026, 10, 1),
        end=date(2026, 10, 31),
        now=NOW,
        next_steps="Replace the 上海分行 printers",
    )
    assert report.next_steps == "Replace the 上海分行 printers"


def test_end_users_and_other_clients_staff_cannot_request(client_a, user_a1, agent_b, manager_b):
    from datetime import date

    from django.core.exceptions import PermissionDenied

    for actor in (user_a1, agent_b, manager_b):
        with pytest.raises(PermissionDenied):
            services.monthly_report_request(
                actor=actor,
                client=client_a,
                start=date(2026, 10, 1),
                end=date(2026, 10, 31),
                now=NOW,
            )


def test_a_failure_while_storing_the_files_marks_the_report_failed(client_a, monkeypatch):
    def full_disk(*args, **kwargs):
        raise OSError("No space left on device")

    monkeypatch.setattr("django.core.files.storage.FileSystemStorage._save", full_disk)
    report = make_ready_report(client_a, now=NOW)
    assert report.status == MonthlyReport.Status.FAILED
    assert "No space left" in report.error
    assert list(report.actions.values_list("kind", flat=True)) == ["failed"]
