"""Reads of the monthly reports, all through visible_to(user)."""

from collections import defaultdict

from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404
from django.utils.translation import gettext as _

from clients.models import Client
from reports.dashboards.selectors import dashboard_client_get_for

from .models import MonthlyReport, ReportAction
from .permissions import may_use_reports

LIST_FIELDS = (
    "client__name",
    "client__code",
    "period_start",
    "period_end",
    "version",
    "is_current",
    "status",
    "sign_off",
    "progress_done",
    "progress_total",
    "summary",
    "created_at",
    "generated_at",
    "signed_at",
    "language",
    "pdf",
    "xlsx",
)


def report_client_get_for(*, user, client_id) -> Client:
    """The client whose reports are listed (a manager: their own); 404 for another's id."""
    if not may_use_reports(user):
        raise PermissionDenied(_("Reports are for client managers and the service desk."))
    return dashboard_client_get_for(user=user, client_id=client_id)


def monthly_report_list_for(*, user, client: Client):
    """Every version of every report of `client`, newest period first (paged by the caller)."""
    return (
        MonthlyReport.objects.visible_to(user)
        .filter(client=client)
        .select_related("client")
        .only("client_id", *LIST_FIELDS)
        .order_by("-period_start", "-period_end", "-version")
    )


def monthly_report_api_list_for(*, user, client_id=None):
    rows = (
        MonthlyReport.objects.visible_to(user)
        .select_related("client")
        .only("client_id", *LIST_FIELDS)
        .order_by("-period_start", "client__name", "-version")
    )
    if client_id is not None:
        rows = rows.filter(client_id=client_id)
    return rows


def monthly_report_get_for(*, user, report_id) -> MonthlyReport:
    """One report a person may see; another client's id, a malformed id: 404 alike."""
    try:
        pk = int(report_id)
    except (TypeError, ValueError):
        raise Http404(_("No such report.")) from None
    report = (
        MonthlyReport.objects.visible_to(user)
        .select_related("client", "requested_by", "signed_by")
        .filter(pk=pk)
        .first()
    )
    if report is None:
        raise Http404(_("No such report."))
    return report


def report_versions_for(*, user, report: MonthlyReport) -> list[MonthlyReport]:
    return list(
        MonthlyReport.objects.visible_to(user)
        .filter(
            client_id=report.client_id,
            period_start=report.period_start,
            period_end=report.period_end,
        )
        .order_by("-version")
        .only("version", "is_current", "status", "sign_off", "generated_at", "client_id")
    )


def report_actions_for(*, user, report: MonthlyReport) -> list[ReportAction]:
    """The audit trail of every version of the report's period, oldest first."""
    return list(
        ReportAction.objects.visible_to(user)
        .filter(
            report__client_id=report.client_id,
            report__period_start=report.period_start,
            report__period_end=report.period_end,
        )
        .select_related("actor", "report")
        .only(
            "kind",
            "comment",
            "created_at",
            "client_id",
            "actor__username",
            "actor__first_name",
            "actor__last_name",
            "report__version",
        )
    )


def report_board_for(*, user) -> list[dict]:
    """Staff: per client they serve, how many current reports are signed, pending or disputed,
    and the disputed ones to answer. Three queries whatever the number of reports."""
    if not user.is_provider_staff:
        raise PermissionDenied(_("The sign-off board is for the service desk."))
    clients = list(Client.objects.visible_to(user).order_by("name").only("name", "code"))
    counts: dict[int, dict] = defaultdict(lambda: {"signed": 0, "pending": 0, "disputed": 0})
    current = MonthlyReport.objects.visible_to(user).filter(
        is_current=True, status=MonthlyReport.Status.READY
    )
    for row in current.values("client_id", "sign_off").annotate(n=Count("id")).order_by():
        counts[row["client_id"]][row["sign_off"]] = row["n"]
    open_reports = defaultdict(list)
    for report in (
        current.exclude(sign_off=MonthlyReport.SignOff.SIGNED)
        .only("client_id", "period_start", "period_end", "version", "sign_off")
        .order_by("period_start")
    ):
        open_reports[report.client_id].append(report)
    return [
        {"client": client, **counts[client.pk], "open": open_reports[client.pk]}
        for client in clients
    ]
