"""What a monthly report says: the dashboard's figures for one client and period, read once.

The report reuses the dashboard's selectors and sections (reports.dashboards), so a figure in the
PDF, in the XLSX and on the dashboard is computed by the same code from the same roll-ups.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from clients.models import Client
from itsm.tenancy import Role
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


def report_content(*, client: Client, start: date, end: date, now: datetime) -> ReportContent:
    """Every figure of the report (about seven queries whatever the number of tickets)."""
    period = report_period(start, end)
    data = dashboard_data_for(user=READER, client=client, period=period, now=now)
    dashboard = client_dashboard(data)
    return ReportContent(
        client=client,
        period=period,
        dashboard=dashboard,
        tables=dashboard_tables(dashboard),
        incidents=notable_incidents(client=client, period=period),
    )
