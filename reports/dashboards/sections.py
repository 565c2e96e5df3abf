"""The client dashboard's sections: each one a selector from DashboardData to plain data.

A section is a name and a function; the page includes `dashboards/_section_<name>.html` for
each, the API returns each under its name. Adding a section (complaints, say) is one function
in SECTIONS and one template.
"""

from collections import defaultdict
from datetime import date
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from .buckets import bucket_start, granularity, next_bucket
from .complaints import complaints_section
from .links import ticket_link
from .metrics import figures, merge, percent, ratio, trend
from .models import BreachEntry
from .satisfaction import satisfaction_section
from .selectors import (
    DashboardData,
    client_today,
    open_overdue_count_for,
    period_totals,
)

BREACHES_LISTED = 20
TOP = 5
# Fairness: a tier or site is marked when, with at least FAIR_MIN_COUNT cases behind the figure,
# its SLA compliance is FAIR_COMPLIANCE_POINTS or more percentage points below the client's, its
# CSAT FAIR_CSAT_POINTS or more below the client's, or its mean time to resolve at least
# FAIR_RESOLVE_FACTOR times the client's.
FAIR_MIN_COUNT = 5
FAIR_COMPLIANCE_POINTS = 10
FAIR_CSAT_POINTS = 0.5
FAIR_RESOLVE_FACTOR = 1.5


def _label(data: DashboardData, dimension: str, key) -> str:
    if dimension == "site_id":
        return data.site_names.get(key, f"#{key}")
    if dimension == "tier_name":
        return key or _("No tier")
    if dimension == "priority":
        return f"P{key}"
    return data.category_names.get(key) or _("No category")


def breakdown(data: DashboardData, dimension: str) -> list[dict]:
    """Figures per value of one dimension (site, tier, priority or category); computed once per
    dashboard, several sections show them."""
    key = ("breakdown", dimension)
    if key not in data.memo:
        data.memo[key] = _breakdown(data, dimension)
    return [dict(row) for row in data.memo[key]]


def _breakdown(data: DashboardData, dimension: str) -> list[dict]:
    groups = defaultdict(list)
    for cell in data.cells:
        groups[cell[dimension]].append(cell)
    rows = [
        {"key": key, "label": _label(data, dimension, key), **figures(merge(cells))}
        for key, cells in groups.items()
    ]
    if dimension == "priority":
        return sorted(rows, key=lambda r: r["key"])
    return sorted(rows, key=lambda r: (-r["opened"], r["label"]))


def series(data: DashboardData) -> list[dict]:
    """The period in days, weeks or months: opened, resolved, backlog at the end, compliance
    and CSAT per bucket. Buckets after today have no backlog."""
    unit = granularity(data.period.days)
    today = client_today(data.client, data.now)
    sums: dict[date, dict] = defaultdict(lambda: defaultdict(int))
    for row in data.series:
        bucket = sums[bucket_start(row["day"], unit)]
        for name, value in row.items():
            if name != "day":
                bucket[name] += value or 0
    points, backlog = [], data.backlog_before
    start = bucket_start(data.period.start, unit)
    while start <= data.period.end:
        s = sums[start]
        backlog += s["backlog_delta"]
        label = start.isoformat()[:7] if unit == "month" else start.isoformat()
        points.append(
            {
                "label": label,
                "start": start.isoformat(),
                "opened": s["opened"],
                "resolved": s["resolved"],
                "backlog": backlog if start <= today else None,
                "response_compliance": percent(s["resp_met"], s["resp_met"] + s["resp_breached"]),
                "resolution_compliance": percent(s["res_met"], s["res_met"] + s["res_breached"]),
                "rated": s["rated"],
                "csat": ratio(s["score_sum"], s["rated"]),
            }
        )
        start = next_bucket(start, unit)
    return points


totals = period_totals


def breaches_listed(data: DashboardData) -> list[dict]:
    """The latest breaches of the period with their ticket's public reference and subject."""
    entries = (
        BreachEntry.objects.visible_to(data.user)
        .filter(client=data.client, day__range=(data.period.start, data.period.end))
        .select_related("ticket")
        .only(
            "kind",
            "breached_at",
            "site_id",
            "tier_name",
            "priority",
            "category_id",
            "ticket__id",
            "ticket__reference",
            "ticket__subject",
        )[:BREACHES_LISTED]
    )
    zone = ZoneInfo(data.client.time_zone)
    return [
        {
            "ticket_id": entry.ticket_id,
            "reference": entry.ticket.reference,
            "subject": entry.ticket.subject,
            "kind": entry.kind,
            "kind_label": str(BreachEntry.Kind(entry.kind).label),
            "breached_at": entry.breached_at.isoformat(),
            "breached_local": f"{entry.breached_at.astimezone(zone):%Y-%m-%d %H:%M}",
            "site": data.site_names.get(entry.site_id, ""),
            "tier": entry.tier_name,
            "priority": entry.priority,
            "category": data.category_names.get(entry.category_id, ""),
            "url": ticket_link(data.user, entry.ticket_id),
        }
        for entry in entries
    ]


def sla_section(data: DashboardData) -> dict:
    now, before = totals(data)
    keys = (
        ("compliance", True),
        ("response_compliance", True),
        ("resolution_compliance", True),
        ("respond_mean_hours", False),
        ("respond_p90_hours", False),
        ("resolve_mean_hours", False),
        ("resolve_p90_hours", False),
    )
    return {
        "figures": {key: now[key] for key, _better in keys}
        | {k: now[k] for k in ("decided", "breaches", "responded", "resolved_timed")},
        "previous": {key: before[key] for key, _better in keys},
        "trends": {key: trend(now[key], before[key], higher_is_better=up) for key, up in keys},
        "open_overdue": open_overdue_count_for(user=data.user, client=data.client, now=data.now),
        "by": {
            name: breakdown(data, dimension)
            for name, dimension in (
                ("tier", "tier_name"),
                ("priority", "priority"),
                ("site", "site_id"),
                ("category", "category_id"),
            )
        },
        "breaches": breaches_listed(data),
    }


def volume_section(data: DashboardData) -> dict:
    now, before = totals(data)
    keys = (
        ("opened", None),
        ("resolved", None),
        ("reopen_rate", False),
        ("repeat_rate", False),
    )
    points = series(data)
    backlog = [p["backlog"] for p in points if p["backlog"] is not None]
    return {
        "figures": {
            key: now[key]
            for key in ("opened", "resolved", "reopened", "reopen_rate", "repeat_contacts")
        }
        | {"repeat_rate": now["repeat_rate"], "backlog": backlog[-1] if backlog else None},
        "previous": {key: before[key] for key, _better in keys},
        # More tickets opened or resolved is neither good nor bad news: an arrow, no colour.
        "trends": {
            key: trend(now[key], before[key], higher_is_better=bool(up))
            | ({"good": None} if up is None else {})
            for key, up in keys
        },
        "series": points,
        "top_categories": breakdown(data, "category_id")[:TOP],
        "top_sites": breakdown(data, "site_id")[:TOP],
    }


def _marks(group: dict, overall: dict) -> list[str]:
    marks = []
    if (
        group["decided"] >= FAIR_MIN_COUNT
        and overall["compliance"] is not None
        and group["compliance"] is not None
        and group["compliance"] <= overall["compliance"] - FAIR_COMPLIANCE_POINTS
    ):
        marks.append("compliance")
    if (
        group["rated"] >= FAIR_MIN_COUNT
        and overall["csat"] is not None
        and group["csat"] is not None
        and group["csat"] <= round(overall["csat"] - FAIR_CSAT_POINTS, 2)
    ):
        marks.append("csat")
    if (
        group["resolved_timed"] >= FAIR_MIN_COUNT
        and overall["resolve_mean_hours"]
        and group["resolve_mean_hours"] is not None
        and group["resolve_mean_hours"] >= overall["resolve_mean_hours"] * FAIR_RESOLVE_FACTOR
    ):
        marks.append("resolve")
    return marks


def fairness_section(data: DashboardData) -> dict:
    """Compliance, time to resolve and CSAT per tier and per site beside the client's own, with
    the groups noticeably worse marked (rule above, shown on the page)."""
    overall, _before = totals(data)
    keep = ("compliance", "decided", "resolve_mean_hours", "resolved_timed", "csat", "rated")

    def rows(dimension: str) -> list[dict]:
        return [
            {"label": row["label"], **{k: row[k] for k in keep}, "marks": _marks(row, overall)}
            for row in breakdown(data, dimension)
        ]

    return {
        "overall": {k: overall[k] for k in keep},
        "tiers": rows("tier_name"),
        "sites": rows("site_id"),
        "rule": {
            "min_count": FAIR_MIN_COUNT,
            "compliance_points": FAIR_COMPLIANCE_POINTS,
            "csat_points": FAIR_CSAT_POINTS,
            "resolve_factor": FAIR_RESOLVE_FACTOR,
        },
    }


SECTIONS = (
    ("sla", sla_section),
    ("volume", volume_section),
    ("satisfaction", satisfaction_section),
    ("complaints", complaints_section),
    ("fairness", fairness_section),
)


def client_dashboard(data: DashboardData) -> dict:
    """Every section of the client dashboard as plain data (the page, API and CSV read this)."""
    return {
        "client": {
            "id": data.client.pk,
            "name": data.client.name,
            "code": data.client.code,
            "time_zone": data.client.time_zone,
        },
        "period": data.period.as_dict(),
        "previous_period": data.previous.as_dict(),
        "granularity": granularity(data.period.days),
        "sections": {name: section(data) for name, section in SECTIONS},
    }
