"""A client manager opens the monthly reports, downloads last month's PDF and XLSX and signs the
report off; the PDF is in Chinese with the client's name and its compliance figure."""

import io
from pathlib import Path

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect
from pypdf import PdfReader

from reports.dashboards.rollups import rollups_rebuild
from reports.monthly.models import MonthlyReport
from reports.monthly.services import monthly_reports_generate_now

from .test_dashboard_journey import seed_last_month

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


def test_manager_downloads_and_signs_off_last_months_report(
    page, live_server, sign_in, shot, client_a, site_a, site_a2, user_a1, user_a2, manager_a
):
    seed_last_month(client_a, [site_a, site_a2], [user_a1, user_a2])
    now = timezone.now()
    rollups_rebuild(now=now)
    [(report, created)] = monthly_reports_generate_now(now=now)
    assert created and report.status == "ready" and report.language == "zh-hans"
    compliance = report.summary["compliance"]
    sign_in("manager_a")

    page.locator("header nav a[href='/reports/monthly/']").click()
    expect(page.locator("main h1")).to_contain_text("华信银行：月度服务报告")
    row = page.locator("#report-table tbody tr").first
    expect(row).to_contain_text(f"{report.period_start:%Y-%m-%d}")
    expect(row).to_contain_text("待签认")
    expect(row).to_contain_text(f"{compliance}%")
    shot("01-report-list")

    row.locator("td a").first.click()
    expect(page.locator("#report-status")).to_contain_text("待签认")
    folder = shot("02-report-detail").parent

    with page.expect_download() as info:
        page.locator("#download-pdf").click()
    pdf = Path(info.value.path()).read_bytes()
    assert info.value.suggested_filename == report.file_name("pdf")
    assert pdf.startswith(b"%PDF")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
    assert "华信银行" in text and "月度服务报告" in text and f"{compliance}%" in text
    # Kept beside the screenshots so a person can look at the Chinese glyphs.
    (folder / "monthly-report.pdf").write_bytes(pdf)

    with page.expect_download() as info:
        page.locator("#download-xlsx").click()
    book = load_workbook(io.BytesIO(Path(info.value.path()).read_bytes()), read_only=True)
    summary = {r[1]: r[2] for r in book["summary"].iter_rows(min_row=3, values_only=True)}
    assert summary["compliance"] == compliance

    form = page.locator("#sign-off-form")
    form.locator("textarea[name=comment]").fill("数据无误，同意。")
    shot("03-before-sign-off")
    form.locator("button[type=submit]").click()
    expect(page.locator("#report-status")).to_contain_text("已签认")
    expect(page.locator("#report-history")).to_contain_text("数据无误，同意。")
    expect(page.locator("#sign-off-form")).to_have_count(0)
    shot("04-signed-off")
    report.refresh_from_db()
    assert report.sign_off == MonthlyReport.SignOff.SIGNED and report.signed_by == manager_a


def test_staff_watch_a_report_being_drawn_then_see_the_board(
    page, live_server, sign_in, shot, client_a, site_a, user_a1, manager_a, agent_a
):
    from reports.monthly.services import GENERATION_STEPS, monthly_report_generate

    now = timezone.now()
    report = MonthlyReport.objects.create(
        client=client_a,
        period_start=now.date().replace(day=1),
        period_end=now.date(),
        language="zh-hans",
        created_at=now,
        progress_total=GENERATION_STEPS,
        progress_done=2,
    )
    sign_in("agent_a")
    page.goto(f"{live_server.url}/reports/monthly/{report.pk}/")
    bar = page.locator("progress.report-progress")
    expect(bar).to_have_attribute("value", "40")
    expect(page.locator("#download-pdf")).to_have_count(0)
    shot("01-drawing")

    monthly_report_generate(report_id=report.pk, now=now)
    # The page polls by itself (meta refresh every 2 s) and then offers the files.
    expect(page.locator("#download-pdf")).to_be_visible(timeout=8_000)
    expect(page.locator("#correct-form")).to_be_visible()
    shot("02-ready")

    page.locator("header nav a[href='/reports/monthly/']").click()
    page.locator("a[href='/reports/monthly/board/']").click()
    row = page.locator("#board tbody tr", has_text="华信银行")
    expect(row.locator("td").nth(2)).to_have_text("1")  # awaiting sign-off
    shot("03-board")
