"""The dashboard's complaints section: by source (direct vs via the client), the share received
via the client over time, open and overdue complaints, time to close, by category.

The share via the client is the early-warning line: a fall in complaints heard directly can
hide a rise in complaints the client passes on, which is how a relationship goes sour unseen.

Complaints are few next to tickets, so they are read live (no roll-up), in four queries
whatever their number: counts per local day, source and category over the period and the
previous one; the complaints closed in the period; open ones grouped now; the overdue list.
Only Complaint rows are read (never the timeline), so internal notes cannot leak to a client
manager; `visible_to` keeps a manager to their own client.
"""

from collections import defaultdict
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.urls import reverse

from reports.complaints.models import Category, Complaint, Source, Status

from .buckets import bucket_start, granularity, next_bucket
from .metrics import percent, ratio, trend
from .selectors import DashboardData, client_today

OVERDUE_LISTED = 10


def overdue_filter(now: datetime) -> Q:
    """Past the deadline now running: acknowledgement while open, resolution until resolved."""
    return Q(status=Status.OPEN, ack_due_at__lt=now) | Q(
        status__in=(Status.ACKNOWLEDGED, Status.INVESTIGATING, Status.REOPENED),
        resolve_due_at__lt=now,
    )


def _daily_counts(data: DashboardData) -> list[dict]:
    """Complaints logged per client-local day, source and category, over the previous period
    and this one (one query)."""
    zone = ZoneInfo(data.client.time_zone)
    start, _ = data.previous.utc_bounds(data.client.time_zone)
    _, end = data.period.utc_bounds(data.client.time_zone)
    return list(
        Complaint.objects.visible_to(data.user)
        .filter(client=data.client, created_at__gte=start, created_at__lt=end)
        .annotate(day=TruncDate("created_at", tzinfo=zone))
        .values("day", "source", "category")
        .annotate(n=Count("id"))
        .order_by()
    )


def _source_totals(rows: list[dict], start: date, end: date) -> dict:
    direct = sum(r["n"] for r in rows if start <= r["day"] <= end and r["source"] == Source.DIRECT)
    via = sum(r["n"] for r in rows if start <= r["day"] <= end and r["source"] == Source.VIA_CLIENT)
    return {
        "total": direct + via,
        "direct": direct,
        "via_client": via,
        "via_client_share": percent(via, direct + via),
    }


def _series(data: DashboardData, rows: list[dict]) -> list[dict]:
    """Direct and via-client complaints per bucket of the period, with the share via client."""
    unit = granularity(data.period.days)
    sums: dict[date, dict] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        if data.period.start <= row["day"] <= data.period.end:
            sums[bucket_start(row["day"], unit)][row["source"]] += row["n"]
    points, start = [], bucket_start(data.period.start, unit)
    while start <= data.period.end:
        direct, via = sums[start][Source.DIRECT], sums[start][Source.VIA_CLIENT]
        points.append(
            {
                "label": start.isoformat()[:7] if unit == "month" else start.isoformat(),
                "start": start.isoformat(),
                "direct": direct,
                "via_client": via,
                "total": direct + via,
                "via_client_share": percent(via, direct + via),
            }
        )
        start = next_bucket(start, unit)
    return points


def _closed(data: DashboardData) -> dict[str, list[float]]:
    """Hours from logging to closing of the complaints closed in the period, per category."""
    start, end = data.period.utc_bounds(data.client.time_zone)
    hours = defaultdict(list)
    closed = (
        Complaint.objects.visible_to(data.user)
        .filter(client=data.client, closed_at__gte=start, closed_at__lt=end)
        .values_list("category", "created_at", "closed_at")
        .order_by()
    )
    for category, created, closed_at in closed:
        hours[category].append((closed_at - created).total_seconds() / 3600)
    return hours


def _open_now(data: DashboardData) -> dict[str, dict]:
    """Open and overdue complaints now, per category (one grouped query)."""
    rows = (
        Complaint.objects.visible_to(data.user)
        .open()
        .filter(client=data.client)
        .values("category")
        .annotate(
            open=Count("id"),
            overdue=Count("id", filter=overdue_filter(data.now)),
            via_client=Count("id", filter=Q(source=Source.VIA_CLIENT)),
        )
        .order_by()
    )
    return {row["category"]: row for row in rows}


def _overdue_listed(data: DashboardData) -> list[dict]:
    zone = ZoneInfo(data.client.time_zone)
    rows = (
        Complaint.objects.visible_to(data.user)
        .open()
        .filter(overdue_filter(data.now), client=data.client)
        .only(
            "id",
            "reference",
            "subject",
            "source",
            "category",
            "severity",
            "status",
            "ack_due_at",
            "resolve_due_at",
        )
        .order_by("created_at", "id")[:OVERDUE_LISTED]
    )
    return [
        {
            "complaint_id": row.pk,
            "reference": row.reference,
            "subject": row.subject,
            "source": row.source,
            "source_label": str(Source(row.source).label),
            "category_label": str(Category(row.category).label),
            "severity_label": row.get_severity_display(),
            "status_label": row.get_status_display(),
            "due_local": f"{row.pending_due_at.astimezone(zone):%Y-%m-%d %H:%M}",
            "url": reverse("complaints:complaint-detail", args=[row.pk]),
        }
        for row in rows
    ]


def complaints_section(data: DashboardData) -> dict:
    rows = _daily_counts(data)
    now = _source_totals(rows, data.period.start, data.period.end)
    before = _source_totals(rows, data.previous.start, data.previous.end)
    closed = _closed(data)
    open_now = _open_now(data)
    logged = defaultdict(lambda: defaultdict(int))
    for row in rows:
        if data.period.start <= row["day"] <= data.period.end:
            logged[row["category"]][row["source"]] += row["n"]
    categories = []
    for category in Category:
        opened, still = logged.get(category.value, {}), open_now.get(category.value, {})
        hours = closed.get(category.value, [])
        if not (opened or still or hours):
            continue
        categories.append(
            {
                "key": category.value,
                "label": str(category.label),
                "logged": sum(opened.values()),
                "via_client": opened.get(Source.VIA_CLIENT, 0),
                "open": still.get("open", 0),
                "overdue": still.get("overdue", 0),
                "closed": len(hours),
                "close_mean_hours": ratio(sum(hours), len(hours), 1),
            }
        )
    all_hours = [h for hours in closed.values() for h in hours]
    figures = now | {
        "open": sum(r["open"] for r in open_now.values()),
        "open_via_client": sum(r["via_client"] for r in open_now.values()),
        "overdue": sum(r["overdue"] for r in open_now.values()),
        "closed": len(all_hours),
        "close_mean_hours": ratio(sum(all_hours), len(all_hours), 1),
    }
    return {
        "figures": figures,
        "previous": before,
        "trends": {
            "total": trend(now["total"], before["total"], higher_is_better=False),
            "direct": trend(now["direct"], before["direct"], higher_is_better=False),
            "via_client": trend(now["via_client"], before["via_client"], higher_is_better=False),
            "via_client_share": trend(
                now["via_client_share"], before["via_client_share"], higher_is_better=False
            ),
        },
        "series": _series(data, rows),
        "by_category": categories,
        "overdue": _overdue_listed(data),
        "as_of": client_today(data.client, data.now).isoformat(),
    }
