"""Writes of the monthly reports: request, generate, sign off, dispute, answer, correct.

Every action appends a ReportAction (who, when, comment). Generation runs in Celery
(tasks.monthly_report_generate) and records its progress on the row as it goes, so the page can
show a progress bar.
"""

import logging
from collections import Counter
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from clients.models import Client, User
from itsm.exceptions import ApplicationError
from itsm.tenancy import Role
from reports.dashboards.periods import add_months
from reports.dashboards.selectors import client_today

from .content import report_content
from .emails import email_report_managers
from .models import MonthlyReport, ReportAction
from .pdf import render_pdf
from .permissions import ensure_client_manager_of, ensure_may_request, ensure_staff_serving
from .xlsx import render_xlsx

log = logging.getLogger(__name__)
MAX_PERIOD_DAYS = 366
# Figures, three parts of the PDF, the workbook: the page shows done/total as a bar.
GENERATION_STEPS = 5
# The beat runs hourly on the 1st and 2nd (itsm/celery.py); see monthly_reports_schedule.
SCHEDULE_DAYS = 2
GENERATION_STALLED = timedelta(minutes=10)


def _action(report, actor, kind, now, comment: str = "") -> ReportAction:
    return ReportAction.objects.create(
        client_id=report.client_id,
        report=report,
        actor=actor,
        kind=kind,
        comment=comment,
        created_at=now,
    )


def _enqueue(report_id: int) -> None:
    from .tasks import monthly_report_generate

    # robust: with the broker down the request still saves; monthly_reports_resume sends it.
    transaction.on_commit(lambda: monthly_report_generate.delay(report_id), robust=True)


def monthly_reports_resume(*, now: datetime) -> list[int]:
    """Reports requested GENERATION_STALLED ago and never started (their task was not sent,
    the broker being down, or was lost): queued again. Storing is once only, so a report whose
    first task turns up late is not drawn into two files."""
    from .tasks import monthly_report_generate

    ids = list(
        MonthlyReport.objects.filter(
            status=MonthlyReport.Status.GENERATING,
            progress_done=0,
            created_at__lt=now - GENERATION_STALLED,
        ).values_list("pk", flat=True)
    )
    for report_id in ids:
        monthly_report_generate.delay(report_id)
    return ids


def validate_period(start: date, end: date, *, today: date) -> None:
    if end < start:
        raise ApplicationError(_("The end date is before the start date."))
    if (end - start).days + 1 > MAX_PERIOD_DAYS:
        raise ApplicationError(
            _("A report covers at most %(days)s days.") % {"days": MAX_PERIOD_DAYS}
        )
    if start > today:
        raise ApplicationError(_("The period has not started yet."))


def _report_language(client: Client) -> str:
    """The language most of the client's managers read (ties and no managers: the default)."""
    languages = Counter(
        User.objects.filter(client=client, role=Role.CLIENT_MANAGER, is_active=True).values_list(
            "language", flat=True
        )
    ).most_common()
    if not languages or (len(languages) > 1 and languages[0][1] == languages[1][1]):
        return settings.LANGUAGE_CODE
    return languages[0][0]


def _request(
    *, actor, client, start, end, now, next_steps, language, notify, enqueue=True
) -> tuple[MonthlyReport, bool]:
    current = (
        MonthlyReport.objects.select_for_update()
        .filter(client=client, period_start=start, period_end=end, is_current=True)
        .first()
    )
    if current is not None and current.status != MonthlyReport.Status.FAILED:
        return current, False
    if current is None:
        report = MonthlyReport.objects.create(
            client=client,
            period_start=start,
            period_end=end,
            language=language,
            next_steps=next_steps,
            requested_by=actor,
            created_at=now,
            progress_total=GENERATION_STEPS,
            notify_when_ready=notify,
        )
    else:  # a failed generation is retried on the same row
        report = current
        report.status = MonthlyReport.Status.GENERATING
        report.progress_done, report.error = 0, ""
        report.next_steps = next_steps or report.next_steps
        report.save(update_fields=["status", "progress_done", "error", "next_steps"])
    _action(report, actor, ReportAction.Kind.REQUESTED, now)
    if enqueue:
        _enqueue(report.pk)
    return report, True


@transaction.atomic
def monthly_report_request(
    *,
    actor: User,
    client: Client,
    start: date,
    end: date,
    now: datetime,
    next_steps: str = "",
) -> tuple[MonthlyReport, bool]:
    """Ask for the report of `client` over [start, end] (any period up to a year).

    Staff may only ask for clients they serve, managers for their own; only staff write next
    steps. An existing report of the same period is returned as is (created=False) unless its
    generation failed, when it is generated again. Enqueues the generation after commit.
    """
    ensure_may_request(actor, client)
    validate_period(start, end, today=client_today(client, now))
    if next_steps.strip() and not actor.is_provider_staff:
        raise ApplicationError(_("Next steps are written by the service desk."))
    return _request(
        actor=actor,
        client=client,
        start=start,
        end=end,
        now=now,
        next_steps=next_steps.strip(),
        language=actor.language or settings.LANGUAGE_CODE,
        notify=False,
    )


def previous_month(client: Client, now: datetime) -> tuple[date, date]:
    """The calendar month before the client's current local month."""
    first = client_today(client, now).replace(day=1)
    return add_months(first, -1), first - timedelta(days=1)


def monthly_reports_schedule(*, now: datetime) -> int:
    """Beat, hourly on the 1st and 2nd: last month's report for every active client, emailed to
    its managers when ready. Safe to run again (an existing report of the month is kept).

    Each client's month ends at its own midnight: a client whose local date is not yet in the
    first days of a month is left for a later run, so nobody gets the month before last."""
    created = 0
    for client in Client.objects.active().order_by("pk"):
        if client_today(client, now).day > SCHEDULE_DAYS:
            continue
        start, end = previous_month(client, now)
        with transaction.atomic():
            _report, new = _request(
                actor=None,
                client=client,
                start=start,
                end=end,
                now=now,
                next_steps="",
                language=_report_language(client),
                notify=True,
            )
        created += new
    return created


def monthly_reports_generate_now(
    *, now: datetime, month: date | None = None, client_codes: list[str] | None = None
) -> list[tuple[MonthlyReport, bool]]:
    """The command's door (make run, operators): request and draw in this process, without a
    worker, the reports of `month` (default: each client's last month) for the active clients
    (or those named). An existing report of the month is kept. Returns (report, created)."""
    clients = Client.objects.active().order_by("pk")
    if client_codes:
        clients = clients.filter(code__in=client_codes)
    done = []
    for client in clients:
        start, end = (
            (month, add_months(month, 1) - timedelta(days=1))
            if month
            else previous_month(client, now)
        )
        validate_period(start, end, today=client_today(client, now))  # as the page and API
        with transaction.atomic():
            report, created = _request(
                actor=None,
                client=client,
                start=start,
                end=end,
                now=now,
                next_steps="",
                language=_report_language(client),
                notify=False,
                enqueue=False,
            )
        if created:
            report = monthly_report_generate(report_id=report.pk, now=now)
        done.append((report, created))
    return done


def _progress(report: MonthlyReport, done: int) -> None:
    # Outside any transaction: each step is visible to the polling page at once.
    report.progress_done = done
    MonthlyReport.objects.filter(pk=report.pk).update(progress_done=done)


def monthly_report_generate(*, report_id: int, now: datetime) -> MonthlyReport | None:
    """Draw the PDF and XLSX of a requested report; idempotent (a ready report is left alone).

    Not one transaction: progress is committed step by step. A failure marks the report failed
    with the reason, so it can be requested again.
    """
    report = MonthlyReport.objects.select_related("client").filter(pk=report_id).first()
    if report is None or report.status != MonthlyReport.Status.GENERATING:
        return report
    try:
        with translation.override(report.language):
            content = report_content(
                client=report.client, start=report.period_start, end=report.period_end, now=now
            )
            _progress(report, 1)
            report.generated_at = now
            steps = iter(range(2, 4))
            pdf = render_pdf(
                content, report=report, progress=lambda: _progress(report, next(steps))
            )
            _progress(report, 4)
            xlsx = render_xlsx(content, report=report)
        return _report_store(report_id=report.pk, pdf=pdf, xlsx=xlsx, content=content, now=now)
    except Exception as exc:
        # Drawing or storing failed (a bug, a full disk): say so on the row, so the page stops
        # waiting and the same period can be requested again.
        log.exception("monthly report %s failed", report_id)
        with transaction.atomic():
            MonthlyReport.objects.filter(pk=report.pk).update(
                status=MonthlyReport.Status.FAILED, error=f"{type(exc).__name__}: {exc}"[:500]
            )
            _action(report, None, ReportAction.Kind.FAILED, now, f"{type(exc).__name__}")
        report.refresh_from_db()
        return report


@transaction.atomic
def _report_store(*, report_id: int, pdf: bytes, xlsx: bytes, content, now) -> MonthlyReport:
    """Save the files and mark the report ready (once: a second worker finds it done)."""
    report = MonthlyReport.objects.select_for_update().select_related("client").get(pk=report_id)
    if report.status != MonthlyReport.Status.GENERATING:
        return report
    report.pdf.save(report.file_name("pdf"), ContentFile(pdf), save=False)
    report.xlsx.save(report.file_name("xlsx"), ContentFile(xlsx), save=False)
    report.status = MonthlyReport.Status.READY
    report.progress_done = GENERATION_STEPS
    report.generated_at = now
    report.summary = content.summary
    report.save()
    _action(report, None, ReportAction.Kind.GENERATED, now)
    if report.notify_when_ready:
        sent = email_report_managers(report, "ready")
        if sent:
            _action(report, None, ReportAction.Kind.EMAILED, now, ", ".join(sent))
    return report


def _locked(report: MonthlyReport) -> MonthlyReport:
    return MonthlyReport.objects.select_for_update().select_related("client").get(pk=report.pk)


def _ensure_open_for_sign_off(report: MonthlyReport) -> None:
    if report.status != MonthlyReport.Status.READY:
        raise ApplicationError(_("The report is not ready yet."))
    if not report.is_current:
        raise ApplicationError(_("A corrected version replaces this one; sign that one off."))
    if report.sign_off == MonthlyReport.SignOff.SIGNED:
        raise ApplicationError(_("This report is already signed off."))


@transaction.atomic
def monthly_report_sign_off(
    *, actor: User, report: MonthlyReport, now: datetime, comment: str = ""
) -> MonthlyReport:
    """The client's manager accepts the report (final: no later dispute or correction)."""
    report = _locked(report)
    ensure_client_manager_of(actor, report.client_id)
    _ensure_open_for_sign_off(report)
    report.sign_off = MonthlyReport.SignOff.SIGNED
    report.signed_at, report.signed_by = now, actor
    report.save(update_fields=["sign_off", "signed_at", "signed_by"])
    _action(report, actor, ReportAction.Kind.SIGNED, now, comment.strip())
    return report


@transaction.atomic
def monthly_report_dispute(
    *, actor: User, report: MonthlyReport, comment: str, now: datetime
) -> MonthlyReport:
    """The client's manager disputes a figure; the comment says which and why."""
    report = _locked(report)
    ensure_client_manager_of(actor, report.client_id)
    _ensure_open_for_sign_off(report)
    if not comment.strip():
        raise ApplicationError(_("Say which figure you dispute and why."))
    report.sign_off = MonthlyReport.SignOff.DISPUTED
    report.save(update_fields=["sign_off"])
    _action(report, actor, ReportAction.Kind.DISPUTED, now, comment.strip())
    return report


@transaction.atomic
def monthly_report_answer(
    *, actor: User, report: MonthlyReport, comment: str, now: datetime
) -> MonthlyReport:
    """The provider answers a dispute; the client's managers are emailed the answer."""
    report = _locked(report)
    ensure_staff_serving(actor, report.client)
    if report.sign_off != MonthlyReport.SignOff.DISPUTED or not report.is_current:
        raise ApplicationError(_("Only a disputed report is answered."))
    if not comment.strip():
        raise ApplicationError(_("Write the answer."))
    _action(report, actor, ReportAction.Kind.ANSWERED, now, comment.strip())
    email_report_managers(report, "answered", answer=comment.strip())
    return report


@transaction.atomic
def monthly_report_correct(
    *,
    actor: User,
    report: MonthlyReport,
    correction_note: str,
    now: datetime,
    next_steps: str | None = None,
) -> MonthlyReport:
    """Issue a corrected version: a new row (version + 1) generated again from the current
    figures; the earlier version is kept, no longer current. Its managers are emailed when the
    new version is ready."""
    report = _locked(report)
    ensure_staff_serving(actor, report.client)
    if not report.is_current or report.status != MonthlyReport.Status.READY:
        raise ApplicationError(_("Only the current, ready version can be corrected."))
    if report.sign_off == MonthlyReport.SignOff.SIGNED:
        raise ApplicationError(_("A signed-off report is final."))
    if not correction_note.strip():
        raise ApplicationError(_("Say what the corrected version changes."))
    report.is_current = False
    report.save(update_fields=["is_current"])
    corrected = MonthlyReport.objects.create(
        client=report.client,
        period_start=report.period_start,
        period_end=report.period_end,
        version=report.version + 1,
        previous=report,
        language=report.language,
        next_steps=(next_steps if next_steps is not None else report.next_steps).strip(),
        correction_note=correction_note.strip(),
        requested_by=actor,
        created_at=now,
        progress_total=GENERATION_STEPS,
        notify_when_ready=True,
    )
    _action(corrected, actor, ReportAction.Kind.CORRECTED, now, correction_note.strip())
    _enqueue(corrected.pk)
    return corrected
