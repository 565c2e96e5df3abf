"""Reads of the dashboards: which client a person may look at, and the roll-ups of a period.

Everything goes through `visible_to(user)`; the dashboard never reads raw tickets except the
live count of open tickets past their SLA due (served by the open-ticket partial index).
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied
from django.db.models import Max, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.models import Client, ServiceCategory, Site
from itsm.tenancy import Role
from tickets.models import Ticket

from .models import DIMENSIONS, MAX_FIELDS, SUM_FIELDS, DailyRollup
from .periods import Period

SERIES_FIELDS = (
    "opened",
    "resolved",
    "backlog_delta",
    "resp_met",
    "resp_breached",
    "res_met",
    "res_breached",
    "rated",
    "score_sum",
)


def may_see_dashboards(user) -> bool:
    return bool(
        user.is_authenticated and (user.is_provider_staff or user.role == Role.CLIENT_MANAGER)
    )


def dashboard_clients_for(*, user) -> list[Client]:
    """The clients whose dashboard `user` may open (a manager: their own)."""
    if not may_see_dashboards(user):
        return []
    return list(Client.objects.visible_to(user).order_by("name"))


def dashboard_client_get_for(*, user, client_id: str | int | None) -> Client:
    """The client named by `client_id` (default: the manager's own, or staff's first served).

    Another client's id, a client nobody lets this person see, or a malformed id: 404, one
    answer for all. People who see no dashboards at all: 403.
    """
    if not may_see_dashboards(user):
        raise PermissionDenied(_("Dashboards are for client managers and the service desk."))
    clients = Client.objects.visible_to(user)
    if client_id in (None, ""):
        client = clients.order_by("name").first()
    else:
        try:
            client = clients.filter(pk=int(client_id)).first()
        except (TypeError, ValueError):
            client = None
    if client is None:
        raise Http404(_("No such client."))
    return client


def client_today(client: Client, now: datetime | None = None) -> date:
    return client_now(client, now).date()


def client_now(client: Client, now: datetime | None = None) -> datetime:
    return (now or timezone.now()).astimezone(ZoneInfo(client.time_zone))


def _sums(fields) -> dict:
    return {name: Sum(name) for name in fields}


@dataclass
class DashboardData:
    """What every dashboard section reads: one period's roll-up cells and its previous period's
    totals, a daily series, the backlog before the period and display labels."""

    user: object
    client: Client
    period: Period
    previous: Period
    now: datetime
    cells: list[dict] = field(default_factory=list)
    previous_cells: list[dict] = field(default_factory=list)
    series: list[dict] = field(default_factory=list)
    backlog_before: int = 0
    site_names: dict = field(default_factory=dict)
    category_names: dict = field(default_factory=dict)


def dashboard_data_for(*, user, client: Client, period: Period, now: datetime) -> DashboardData:
    """Five queries whatever the number of tickets: cells of the period and of the previous
    period (grouped by site, tier, priority and category), the daily series, the backlog before
    the period, and the site names (categories are a small shared catalogue)."""
    rows = DailyRollup.objects.visible_to(user).filter(client=client)
    previous = period.previous()
    aggregates = {**_sums(SUM_FIELDS), **{name: Max(name) for name in MAX_FIELDS}}
    cells = list(
        rows.filter(day__range=(period.start, period.end))
        .values(*DIMENSIONS)
        .annotate(**aggregates)
        .order_by()
    )
    previous_cells = list(
        rows.filter(day__range=(previous.start, previous.end))
        .values(*DIMENSIONS)
        .annotate(**aggregates)
        .order_by()
    )
    series = list(
        rows.filter(day__range=(period.start, period.end))
        .values("day")
        .annotate(**_sums(SERIES_FIELDS))
        .order_by("day")
    )
    before = rows.filter(day__lt=period.start).aggregate(n=Sum("backlog_delta"))["n"] or 0
    sites = dict(Site.objects.visible_to(user).filter(client=client).values_list("id", "name"))
    categories = {c.pk: c.name for c in ServiceCategory.objects.all()}
    return DashboardData(
        user=user,
        client=client,
        period=period,
        previous=previous,
        now=now,
        cells=cells,
        previous_cells=previous_cells,
        series=series,
        backlog_before=int(before),
        site_names=sites,
        category_names=categories,
    )


def open_overdue_count_for(*, user, client: Client, now: datetime) -> int:
    """Open tickets whose running SLA clock is past due now (live, from the partial index)."""
    return (
        Ticket.objects.visible_to(user)
        .open()
        .filter(client=client, sla_due_at__lt=now)
        .order_by()
        .count()
    )
