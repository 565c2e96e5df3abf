"""The dashboard's satisfaction section, read from the satisfaction app (reports/satisfaction).

CSAT: every resolution offered a rating is a CsatRequest; the ones sent in the period (client-
local days) are the "sent", those answered the "answered", and the response rate is answered /
sent. The average and the 1-5 distribution count each ticket's latest rating only (a rating
superseded by a later resolution's rating no longer counts); the roll-ups count them on the
day the request was sent, and `csat_by_month_for` reads the same counters per client and month
for the satisfaction page. Average, distribution and response rate are always
given together: an average of three ratings out of three hundred requests means little. The
comments and low scores listed are those of the same requests, so lists and figures agree.

Low scores carry what was done about them (the service-recovery FollowUp). Its note is the
staff's own working text, written for colleagues and never reviewed for the client, so a client
manager is told only the outcome ("followed up on <date>" or "follow-up open"), staff also the
note.

Client surveys: the latest rounds up to the period's end with, per question, the average
(1-5 questions), the NPS (0-10 "would you recommend" questions) and invited vs answered.
"""

from collections import defaultdict
from zoneinfo import ZoneInfo

from django.db.models import Exists, OuterRef, Q, Sum
from django.utils.translation import gettext as _

from itsm.tenancy import is_provider_staff
from reports.satisfaction.models import CsatRequest, FollowUp, Question
from reports.satisfaction.selectors import survey_results, survey_rounds_for
from tickets.models import Rating

from .buckets import bucket_start, granularity, next_bucket
from .links import ticket_link
from .metrics import percent, ratio, trend
from .models import MonthlyRollup
from .selectors import DashboardData

LATEST_COMMENTS = 5
LOW_SCORE = 2  # scores at or below this are listed as low
LOW_LISTED = 10
SURVEY_ROUNDS = 8
COUNTED = Q(rating__isnull=False, superseded=False)


def _requests(data: DashboardData, start, end):
    """CSAT requests of the client sent in [start, end), each marked when its rating has been
    superseded by the rating of a later resolution of the same ticket."""
    superseded = Rating.objects.visible_to(data.user).filter(
        ticket_id=OuterRef("ticket_id"), resolution__gt=OuterRef("resolution")
    )
    return (
        CsatRequest.objects.visible_to(data.user)
        .filter(client=data.client, sent_at__gte=start, sent_at__lt=end)
        .annotate(superseded=Exists(superseded))
    )


def _counters(rows) -> dict:
    """Rating counters of roll-up rows (cells or series rows) added up, by the section's names."""
    total = defaultdict(int)
    for row in rows:
        total["sent"] += row.get("csat_sent") or 0
        total["answered"] += row.get("csat_answered") or 0
        total["rated"] += row.get("rated") or 0
        total["score_sum"] += row.get("score_sum") or 0
        for score in range(1, 6):
            total[f"s{score}"] += row.get(f"score_{score}") or 0
    return total


def csat_by_month_for(*, user, limit: int = 24) -> list[dict]:
    """CSAT per client and local month, newest first: months that asked for ratings only.

    Read from the monthly roll-ups (refreshed every two minutes), so its cost follows the
    number of months and clients, not of rating requests."""
    counters = {"sent": Sum("csat_sent"), "answered": Sum("csat_answered"), "rated": Sum("rated")}
    counters["score_sum"] = Sum("score_sum")
    counters |= {f"s{score}": Sum(f"score_{score}") for score in range(1, 6)}
    rows = (
        MonthlyRollup.objects.visible_to(user)
        .values("client_id", "client__name", "month")
        .annotate(**counters)
        .filter(sent__gt=0)
        .order_by("-month", "client__name")[:limit]
    )
    months = []
    for row in rows:
        figures = csat_figures(row)  # the counters are named as csat_figures reads them
        months.append(
            {
                "client_id": row["client_id"],
                "client": row["client__name"],
                "month": row["month"],
                "sent": figures["sent"],
                "answered": figures["answered"],
                "response_rate": figures["response_rate"],
                "average": figures["csat"],
                "distribution": {d["score"]: d["count"] for d in figures["distribution"]},
            }
        )
    return months


def csat_figures(t: dict) -> dict:
    rated = t["rated"]
    return {
        "sent": t["sent"],
        "answered": t["answered"],
        "response_rate": percent(t["answered"], t["sent"]),
        "rated": rated,
        "csat": ratio(t["score_sum"], rated),
        "distribution": [
            {
                "score": s,
                "count": t[f"s{s}"],
                "share": round(100 * t[f"s{s}"] / rated, 1) if rated else None,
            }
            for s in range(1, 6)
        ],
    }


def _series(data: DashboardData) -> list[dict]:
    unit = granularity(data.period.days)
    buckets = defaultdict(list)
    for row in data.series:
        buckets[bucket_start(row["day"], unit)].append(row)
    points, start = [], bucket_start(data.period.start, unit)
    while start <= data.period.end:
        f = csat_figures(_counters(buckets[start]))
        points.append(
            {
                "label": start.isoformat()[:7] if unit == "month" else start.isoformat(),
                "start": start.isoformat(),
                **{k: f[k] for k in ("sent", "answered", "response_rate", "rated", "csat")},
            }
        )
        start = next_bucket(start, unit)
    return points


def _rating_rows(data: DashboardData, requests) -> list[dict]:
    return [
        {
            "ticket_id": request.ticket_id,
            "reference": request.ticket.reference,
            "rating_id": request.rating_id,
            "score": request.rating.score,
            "comment": request.rating.comment,
            "rated_at": request.rating.created_at.isoformat(),
            "url": ticket_link(data.user, request.ticket_id),
        }
        for request in requests
    ]


def _follow_ups(data: DashboardData, rows: list[dict]) -> None:
    """What was done about each low score (one query); the note for staff only."""
    staff = is_provider_staff(data.user)
    fields = ("rating_id", "status", "created_at", "handled_at") + (("note",) if staff else ())
    found = {
        row["rating_id"]: row
        for row in FollowUp.objects.outcomes_visible_to(data.user)
        .filter(client=data.client, rating_id__in=[r["rating_id"] for r in rows])
        .values(*fields)
        .order_by()
    }
    zone = ZoneInfo(data.client.time_zone)
    for row in rows:
        follow_up = found.get(row["rating_id"])
        done = follow_up is not None and follow_up["status"] == FollowUp.Status.DONE
        handled = follow_up["handled_at"] if done else None
        row["follow_up"] = (
            None
            if follow_up is None
            else {
                "status": follow_up["status"],
                "status_label": str(FollowUp.Status(follow_up["status"]).label),
                "handled_on": handled.astimezone(zone).date().isoformat() if handled else None,
                **({"note": follow_up["note"]} if staff else {}),
            }
        )


def _surveys(data: DashboardData) -> list[dict]:
    """The latest survey rounds up to the period's end, oldest first (four queries)."""
    rounds = list(
        survey_rounds_for(user=data.user, client_id=data.client.pk).filter(
            period_start__lte=data.period.end
        )[:SURVEY_ROUNDS]
    )
    results = []
    for result in reversed(survey_results(rounds)):
        survey_round = result["round"]
        lines = [
            {
                "question": line["question"].text,
                "kind": line["question"].kind,
                "answers": line["answers"],
                "average": line["average"],
                "nps": line["nps"],
            }
            for line in result["lines"]
            if line["question"].kind != Question.Kind.TEXT
        ]
        scale = [line["average"] for line in lines if line["kind"] == Question.Kind.SCALE]
        scale = [value for value in scale if value is not None]
        nps = [line["nps"] for line in lines if line["nps"] is not None]
        results.append(
            {
                "label": survey_round.period_label,
                "period_start": survey_round.period_start.isoformat(),
                "questionnaire": survey_round.questionnaire.title,
                "invited": result["sent"],
                "answered": result["answered"],
                "response_rate": percent(result["answered"], result["sent"]),
                "scale_average": ratio(sum(scale), len(scale), 1),
                "nps": nps[0] if nps else None,
                "questions": lines,
            }
        )
    return results


def satisfaction_section(data: DashboardData) -> dict:
    # Figures from the roll-ups (counted per rating request, on the day it was sent); only the
    # short lists below read requests themselves.
    now = csat_figures(_counters(data.cells))
    before = csat_figures(_counters(data.previous_cells))
    start, end = data.period.utc_bounds(data.client.time_zone)
    rated = (
        _requests(data, start, end)
        .filter(COUNTED)
        .select_related("ticket", "rating")
        .only(
            "ticket__id",
            "ticket__reference",
            "rating__id",
            "rating__score",
            "rating__comment",
            "rating__created_at",
        )
        .order_by("-rating__created_at", "-id")
    )
    low = _rating_rows(data, rated.filter(rating__score__lte=LOW_SCORE)[:LOW_LISTED])
    _follow_ups(data, low)
    return {
        "figures": now,
        "previous": {"csat": before["csat"], "response_rate": before["response_rate"]},
        "trends": {
            "csat": trend(now["csat"], before["csat"], higher_is_better=True),
            "response_rate": trend(
                now["response_rate"], before["response_rate"], higher_is_better=True
            ),
        },
        "series": _series(data),
        "latest_comments": _rating_rows(data, rated.exclude(rating__comment="")[:LATEST_COMMENTS]),
        "low_scores": low,
        "surveys": _surveys(data),
        "source": _(
            "Rating requests sent in the period (1-5); each ticket's latest rating counts."
        ),
    }
