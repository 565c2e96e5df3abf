"""Reads of the dashboards: which client a person may look at, and the roll-ups of a period.

Everything goes through `visible_to(user)`; the dashboard never reads raw tickets except the
live count of open tickets past their SLA due (served by the open-ticket partial index).
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import reduce
from operator import or_
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied
from django.db.models import Max, Q, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.models import Client, ServiceCategory, Site
from itsm.params import parse_id
from itsm.tenancy import Role
from tickets.models import Ticket

from .metrics import figures, merge
from .models import DIMENSIONS, MAX_FIELDS, SUM_FIELDS, DailyRollup, MonthlyRollup
from .periods import Period, add_months, month_end

# Periods longer than this are charted by month (buckets.granularity agrees).
SERIES_BY_MONTH_AFTER_DAYS = 92
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
    "score_1",
    "score_2",
    "score_3",
    "score_4",
    "score_5",
    "csat_sent",
    "csat_answered",
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
    elif (pk := parse_id(client_id)) is not None:
        client = clients.filter(pk=pk).first()
    else:
        # Not an id at all ("²", or past any database integer): the same 404 as a foreign id.
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
    # Figures several sections share, computed once (see sections.totals/breakdown).
    memo: dict = field(default_factory=dict)


def period_totals(data: DashboardData) -> tuple[dict, dict]:
    """Figures of the period and of the previous period (computed once per dashboard)."""
    if "totals" not in data.memo:
        data.memo["totals"] = (figures(merge(data.cells)), figures(merge(data.previous_cells)))
    return data.memo["totals"]


def month_split(start: date, end: date) -> tuple[list[date], list[tuple[date, date]]]:
    """The whole months inside [start, end] (first days) and the day ranges left over."""
    months, month = [], start if start.day == 1 else add_months(start, 1)
    while month_end(month) <= end:
        months.append(month)
        month = add_months(month, 1)
    if not months:
        return [], [(start, end)]
    ranges = []
    if start < months[0]:
        ranges.append((start, months[0] - timedelta(days=1)))
    after = month_end(months[-1]) + timedelta(days=1)
    if after <= end:
        ranges.append((after, end))
    return months, ranges


def rollup_rows(*, user, start: date, end: date, group: tuple, aggregates: dict, **filters):
    """Counters of [start, end] grouped by `group`: whole months from the monthly table, the
    days around them from the daily table (at most two queries, each over few rows). Rows of
    the same group from both tables are added up."""
    months, ranges = month_split(start, end)
    found = []
    if months:
        found += (
            MonthlyRollup.objects.visible_to(user)
            .filter(month__range=(months[0], months[-1]), **filters)
            .values(*group)
            .annotate(**aggregates)
            .order_by()
        )
    if ranges:
        days = reduce(or_, (Q(day__range=r) for r in ranges))
        found += (
            DailyRollup.objects.visible_to(user)
            .filter(days, **filters)
            .values(*group)
            .annotate(**aggregates)
            .order_by()
        )
    if not (months and ranges):
        return found
    combined: dict[tuple, list[dict]] = {}
    for row in found:
        combined.setdefault(tuple(row[k] for k in group), []).append(row)
    return [dict(zip(group, key, strict=True)) | merge(rows) for key, rows in combined.items()]


def _series_rows(user, client: Client, period: Period) -> list[dict]:
    """Per day (or per month for periods shown by month) counters of the series."""
    sums = _sums(SERIES_FIELDS)
    rows = DailyRollup.objects.visible_to(user).filter(client=client)
    if (period.end - period.start).days < SERIES_BY_MONTH_AFTER_DAYS:
        return list(
            rows.filter(day__range=(period.start, period.end))
            .values("day")
            .annotate(**sums)
            .order_by("day")
        )
    # Month buckets: a month's first day stands for all its days.
    months, ranges = month_split(period.start, period.end)
    found = [
        {"day": row.pop("month"), **row}
        for row in MonthlyRollup.objects.visible_to(user)
        .filter(client=client, month__in=months)
        .values("month")
        .annotate(**sums)
        .order_by()
    ]
    if ranges:
        days = reduce(or_, (Q(day__range=r) for r in ranges))
        found += rows.filter(days).values("day").annotate(**sums).order_by()
    return sorted(found, key=lambda row: row["day"])


def dashboard_data_for(*, user, client: Client, period: Period, now: datetime) -> DashboardData:
    """A handful of queries whatever the number of tickets: the cells of the period and of the
    previous period (grouped by site, tier, priority and category), the series, the backlog
    before the period, and the site names (categories are a small shared catalogue)."""
    previous = period.previous()
    aggregates = {**_sums(SUM_FIELDS), **{name: Max(name) for name in MAX_FIELDS}}
    cells = rollup_rows(
        user=user,
        client=client,
        start=period.start,
        end=period.end,
        group=DIMENSIONS,
        aggregates=aggregates,
    )
    previous_cells = rollup_rows(
        user=user,
        client=client,
        start=previous.start,
        end=previous.end,
        group=DIMENSIONS,
        aggregates=aggregates,
    )
    month = period.start.replace(day=1)
    before = (
        MonthlyRollup.objects.visible_to(user)
        .filter(client=client, month__lt=month)
        .aggregate(n=Sum("backlog_delta"))["n"]
        or 0
    ) + (
        DailyRollup.objects.visible_to(user)
        .filter(client=client, day__gte=month, day__lt=period.start)
        .aggregate(n=Sum("backlog_delta"))["n"]
        or 0
    )
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
        series=_series_rows(user, client, period),
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
