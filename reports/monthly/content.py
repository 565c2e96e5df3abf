"""What a monthly report says: the dashboard's figures for one client and period, read once.

The report reuses the dashboard's selectors and sections (reports.dashboards), so a figure in the
PDF, in the XLSX and on the dashboard is computed by the same code from the same roll-ups.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Q

from clients.models import Client
from itsm.tenancy import Role
from reports.complaints.models import Category, Complaint, Source
from reports.dashboards.models import BreachEntry
from reports.dashboards.periods import Period, add_months
from reports.dashboards.sections import client_dashboard
from reports.dashboards.selectors import dashboard_data_for
from reports.dashboards.tables import Table, dashboard_tables

NOTABLE_PRIORITIES = (1, 2)
NOTABLE_LISTED = 30
SUMMARY_KEYS = (
    "compliance",
    "response_compliance",
    "resolution_compliance",
    "breaches",
    "opened",
    "resolved",
    "csat",
    "rated",
    "csat_response_rate",
)


class ProviderReader:
    """Whom the report's reads are scoped to: the provider's full view, narrowed by the callers
    to the one client of the report. A report says the same whoever asked for it (a manager's
    report and the provider's copy must not differ), so it is not read as the requester."""

    is_authenticated = True
    is_active = True
    is_superuser = True
    role = Role.ADMIN
    pk = None


READER = ProviderReader()


@dataclass
class ReportContent:
    client: Client
    period: Period
    dashboard: dict
    tables: dict[str, Table]
    incidents: list[dict]
    complaints: dict

    @property
    def summary(self) -> dict:
        sla = self.dashboard["sections"]["sla"]["figures"]
        volume = self.dashboard["sections"]["volume"]["figures"]
        sat = self.dashboard["sections"]["satisfaction"]["figures"]
        values = {
            **{k: sla[k] for k in ("compliance", "response_compliance", "resolution_compliance")},
            "breaches": sla["breaches"],
            "opened": volume["opened"],
            "resolved": volume["resolved"],
            "csat": sat["csat"],
            "rated": sat["rated"],
            "csat_response_rate": sat["response_rate"],
        }
        return {key: values[key] for key in SUMMARY_KEYS}


def report_period(start: date, end: date) -> Period:
    """A whole calendar month compares with the month before; any other range with as many
    days before it (the dashboard's rule)."""
    whole_month = start.day == 1 and end == add_months(start, 1) - timedelta(days=1)
    return Period("last_month" if whole_month else "custom", start, end)


def notable_incidents(*, client: Client, period: Period) -> list[dict]:
    """Breached P1/P2 tickets of the period, one row per breached clock, latest first."""
    entries = (
        BreachEntry.objects.visible_to(READER)
        .filter(
            client=client,
            day__range=(period.start, period.end),
            priority__in=NOTABLE_PRIORITIES,
        )
        .select_related("ticket")
        .only(
            "kind",
            "breached_at",
            "priority",
            "ticket__id",
            "ticket__reference",
            "ticket__subject",
            "ticket__status",
        )[:NOTABLE_LISTED]
    )
    zone = ZoneInfo(client.time_zone)
    return [
        {
            "reference": entry.ticket.reference,
            "subject": entry.ticket.subject,
            "priority": f"P{entry.priority}",
            "kind_label": str(BreachEntry.Kind(entry.kind).label),
            "breached_local": f"{entry.breached_at.astimezone(zone):%Y-%m-%d %H:%M}",
            "status": str(entry.ticket.get_status_display()),
        }
        for entry in entries
    ]


def _complaint_row(complaint: Complaint, zone: ZoneInfo) -> dict:
    return {
        "reference": complaint.reference,
        "category_label": str(Category(complaint.category).label),
        "severity_label": str(complaint.get_severity_display()),
        "source_label": str(Source(complaint.source).label),
        "status_label": str(complaint.get_status_display()),
        "logged_local": f"{complaint.created_at.astimezone(zone):%Y-%m-%d}",
        "root_cause": complaint.root_cause,
        "corrective_action": complaint.corrective_action,
    }


def period_complaints(*, client: Client, period: Period) -> dict:
    """The complaints resolved or closed in the period, with the root cause and corrective
    action written for the client, and those still open at the period's end (one query).

    Only the Complaint row's public fields are read, never the timeline, so an internal note
    cannot reach the client's report. "Open at the end" is judged from the timestamps, not the
    status now, so a report generated later says what was open on the last day."""
    start, end = period.utc_bounds(client.time_zone)
    settled = Q(resolved_at__gte=start, resolved_at__lt=end) | Q(
        closed_at__gte=start, closed_at__lt=end
    )
    still_open = (
        Q(created_at__lt=end)
        & (Q(resolved_at__isnull=True) | Q(resolved_at__gte=end))
        & (Q(closed_at__isnull=True) | Q(closed_at__gte=end))
    )
    rows = (
        Complaint.objects.visible_to(READER)
        .filter(settled | still_open, client=client)
        .only(
            "id",
            "reference",
            "category",
            "severity",
            "source",
            "status",
            "created_at",
            "resolved_at",
            "closed_at",
            "root_cause",
            "corrective_action",
        )
        .order_by("created_at", "id")
    )
    zone = ZoneInfo(client.time_zone)
    settled_rows, open_rows = [], []
    for row in rows:
        at_end = [t for t in (row.resolved_at, row.closed_at) if t is not None and t < end]
        (settled_rows if at_end else open_rows).append(_complaint_row(row, zone))
    return {"settled": settled_rows, "open_at_end": open_rows}


def report_content(*, client: Client, start: date, end: date, now: datetime) -> ReportContent:
    """Every figure of the report (about eight queries whatever the number of tickets)."""
    period = report_period(start, end)
    data = dashboard_data_for(user=READER, client=client, period=period, now=now)
    dashboard = client_dashboard(data)
    return ReportContent(
        client=client,
        period=period,
        dashboard=dashboard,
        tables=dashboard_tables(dashboard),
        incidents=notable_incidents(client=client, period=period),
        complaints=period_complaints(client=client, period=period),
    )
