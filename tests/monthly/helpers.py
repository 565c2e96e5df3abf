"""Report test data: a ready report drawn by the real generation service."""

from datetime import date, datetime

from reports.monthly.models import MonthlyReport
from reports.monthly.services import GENERATION_STEPS, monthly_report_generate


def make_ready_report(
    client, *, start=date(2026, 10, 1), end=date(2026, 10, 31), now=None, language="en", **fields
) -> MonthlyReport:
    now = now or datetime.fromisoformat("2026-11-05T10:00:00+08:00")
    report = MonthlyReport.objects.create(
        client=client,
        period_start=start,
        period_end=end,
        language=language,
        created_at=now,
        progress_total=GENERATION_STEPS,
        **fields,
    )
    return monthly_report_generate(report_id=report.pk, now=now)
