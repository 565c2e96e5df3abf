"""The dashboard's satisfaction section, in one place so it can be pointed at another source.

For now CSAT comes from tickets.Rating (one rating per ticket, counted on the ticket's
resolution day in the roll-ups; the comments listed are those of tickets resolved in the period,
so the lists and the figures describe the same tickets). Average, distribution and response
rate are always given together: an average of three ratings out of three hundred resolutions
means little.
"""

from django.utils.translation import gettext as _

from tickets.models import Rating

from .links import ticket_link
from .metrics import trend
from .selectors import DashboardData, period_totals

LATEST_COMMENTS = 5
LOW_SCORE = 2  # scores at or below this are listed as low
LOW_LISTED = 10


def _rating_rows(data: DashboardData, ratings) -> list[dict]:
    return [
        {
            "ticket_id": rating.ticket_id,
            "reference": rating.ticket.reference,
            "score": rating.score,
            "comment": rating.comment,
            "rated_at": rating.created_at.isoformat(),
            "url": ticket_link(data.user, rating.ticket_id),
        }
        for rating in ratings
    ]


def satisfaction_section(data: DashboardData) -> dict:
    now, before = period_totals(data)
    start, end = data.period.utc_bounds(data.client.time_zone)
    ratings = (
        Rating.objects.visible_to(data.user)
        .filter(client=data.client, ticket__resolved_at__gte=start, ticket__resolved_at__lt=end)
        .select_related("ticket")
        .only("score", "comment", "created_at", "ticket__id", "ticket__reference")
        .order_by("-created_at", "-id")
    )
    total = sum(now["csat_distribution"])
    return {
        "figures": {
            "csat": now["csat"],
            "rated": now["rated"],
            "resolved": now["resolved"],
            "response_rate": now["csat_response_rate"],
            "distribution": [
                {"score": score, "count": count, "share": round(100 * count / total, 1)}
                if total
                else {"score": score, "count": count, "share": None}
                for score, count in enumerate(now["csat_distribution"], 1)
            ],
        },
        "previous": {"csat": before["csat"], "response_rate": before["csat_response_rate"]},
        "trends": {
            "csat": trend(now["csat"], before["csat"], higher_is_better=True),
            "response_rate": trend(
                now["csat_response_rate"], before["csat_response_rate"], higher_is_better=True
            ),
        },
        "latest_comments": _rating_rows(data, ratings.exclude(comment="")[:LATEST_COMMENTS]),
        "low_scores": _rating_rows(data, ratings.filter(score__lte=LOW_SCORE)[:LOW_LISTED]),
        "source": _("Ratings of resolved tickets (1-5)"),
    }
