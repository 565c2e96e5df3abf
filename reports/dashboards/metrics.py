"""Figures from summed roll-up counters: compliance, means, percentiles, rates.

Pure: takes dicts of summed counters (field -> number), returns plain numbers, so the page, the
API, the CSV downloads and a future monthly report compute every figure the same way.
"""

import math
from collections import defaultdict
from collections.abc import Iterable

from .models import HIST_BUCKETS, HIST_EDGES, MAX_FIELDS, SUM_FIELDS


def merge(rows: Iterable[dict]) -> dict:
    """Counters of several rows added up (maxima kept as maxima)."""
    total: dict = defaultdict(float)
    for row in rows:
        for field in SUM_FIELDS:
            total[field] += row.get(field) or 0
        for field in MAX_FIELDS:
            total[field] = max(total[field], row.get(field) or 0)
    return total


def percent(part: float, whole: float) -> float | None:
    """part/whole in percent with one decimal; None when there is nothing to divide."""
    return round(100 * part / whole, 1) if whole else None


def ratio(part: float, whole: float, digits: int = 2) -> float | None:
    return round(part / whole, digits) if whole else None


def hours(minutes: float | None) -> float | None:
    return None if minutes is None else round(minutes / 60, 1)


def p90_minutes(totals: dict, prefix: str) -> float | None:
    """The 90th percentile (nearest rank) read from the histogram: the upper edge of the bucket
    holding the ranked value, or the longest time when that is smaller or in the last bucket.
    An upper bound at most one bucket wide above the exact value."""
    n = int(totals.get(f"{prefix}_n") or 0)
    if not n:
        return None
    rank = math.ceil(0.9 * n)
    seen = 0
    longest = totals.get(f"{prefix}_minutes_max") or 0
    for i in range(HIST_BUCKETS):
        seen += int(totals.get(f"{prefix}_h{i}") or 0)
        if seen >= rank:
            return min(HIST_EDGES[i], longest) if i < len(HIST_EDGES) else longest
    return longest


def figures(totals: dict) -> dict:
    """Every headline figure of one group of roll-up rows."""
    t = totals
    resp_decided = t["resp_met"] + t["resp_breached"]
    res_decided = t["res_met"] + t["res_breached"]
    decided = resp_decided + res_decided
    return {
        "opened": int(t["opened"]),
        "resolved": int(t["resolved"]),
        "reopened": int(t["reopened"]),
        "reopen_rate": percent(t["reopened"], t["resolved"]),
        "repeat_contacts": int(t["repeat_contacts"]),
        "repeat_rate": percent(t["repeat_contacts"], t["opened"]),
        "response_met": int(t["resp_met"]),
        "response_breached": int(t["resp_breached"]),
        "response_compliance": percent(t["resp_met"], resp_decided),
        "resolution_met": int(t["res_met"]),
        "resolution_breached": int(t["res_breached"]),
        "resolution_compliance": percent(t["res_met"], res_decided),
        "decided": int(decided),
        "breaches": int(t["resp_breached"] + t["res_breached"]),
        "compliance": percent(t["resp_met"] + t["res_met"], decided),
        "respond_mean_hours": hours(t["resp_minutes_sum"] / t["resp_n"] if t["resp_n"] else None),
        "respond_p90_hours": hours(p90_minutes(t, "resp")),
        "resolve_mean_hours": hours(t["res_minutes_sum"] / t["res_n"] if t["res_n"] else None),
        "resolve_p90_hours": hours(p90_minutes(t, "res")),
        "responded": int(t["resp_n"]),
        "resolved_timed": int(t["res_n"]),
        "rated": int(t["rated"]),
        "csat": ratio(t["score_sum"], t["rated"]),
        "csat_sent": int(t["csat_sent"]),
        "csat_answered": int(t["csat_answered"]),
        # One definition everywhere (the satisfaction section reads the requests themselves).
        "csat_response_rate": percent(t["csat_answered"], t["csat_sent"]),
        "csat_distribution": [int(t[f"score_{s}"]) for s in range(1, 6)],
    }


def trend(current: float | None, previous: float | None, *, higher_is_better: bool) -> dict:
    """Change against the previous period: arrow, signed delta and whether it is good news."""
    if current is None or previous is None:
        return {"arrow": "", "delta": None, "good": None}
    delta = round(current - previous, 2)
    if delta == 0:
        return {"arrow": "→", "delta": 0, "good": None}
    return {
        "arrow": "↑" if delta > 0 else "↓",
        "delta": delta,
        "good": (delta > 0) == higher_is_better,
    }
