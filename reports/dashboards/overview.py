"""The provider overview: every client a staff member serves in one table, riskiest first.

Risk score (higher = look first), documented on the page and in the README:
  (100 - SLA compliance %)                        0-100, 0 when nothing was decided
+ 10 x (5 - CSAT average)                         0-40, 0 when nothing was rated
+ open tickets past their SLA due now, at most 20
+ 10 when compliance fell 5 or more points against the previous period
"""

from collections import defaultdict
from datetime import datetime

from django.db.models import Count, Sum
from django.urls import reverse

from clients.models import Client
from tickets.models import Ticket

from .metrics import figures, merge, trend
from .periods import Period
from .selectors import SERIES_FIELDS, rollup_rows

RISK_CSAT_WEIGHT = 10
RISK_OPEN_OVERDUE_CAP = 20
RISK_WORSENING_POINTS = 5
RISK_WORSENING_PENALTY = 10
OVERVIEW_FIELDS = (*SERIES_FIELDS, "score_1", "score_2", "score_3", "score_4", "score_5")


def risk_score(*, compliance, csat, open_overdue: int, previous_compliance) -> float:
    score = 0.0
    if compliance is not None:
        score += 100 - compliance
    if csat is not None:
        score += RISK_CSAT_WEIGHT * (5 - csat)
    score += min(open_overdue, RISK_OPEN_OVERDUE_CAP)
    if (
        compliance is not None
        and previous_compliance is not None
        and previous_compliance - compliance >= RISK_WORSENING_POINTS
    ):
        score += RISK_WORSENING_PENALTY
    return round(score, 1)


def _per_client(user, period: Period, ids: list[int]) -> dict[int, dict]:
    found = rollup_rows(
        user=user,
        start=period.start,
        end=period.end,
        group=("client_id",),
        aggregates={name: Sum(name) for name in OVERVIEW_FIELDS},
        client_id__in=ids,
    )
    return {row["client_id"]: row for row in found}


def provider_overview_for(*, user, period: Period, now: datetime) -> list[dict]:
    """One row per client `user` serves: four queries whatever the number of clients/tickets."""
    clients = list(Client.objects.visible_to(user).order_by("name"))
    ids = [client.pk for client in clients]
    current = _per_client(user, period, ids)
    previous = _per_client(user, period.previous(), ids)
    overdue = dict(
        Ticket.objects.visible_to(user)
        .open()
        .filter(client_id__in=ids, sla_due_at__lt=now)
        .values("client_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("client_id", "n")
    )
    table = []
    for client in clients:
        now_f = figures(merge([current.get(client.pk, defaultdict(int))]))
        before = figures(merge([previous.get(client.pk, defaultdict(int))]))
        open_overdue = overdue.get(client.pk, 0)
        table.append(
            {
                "client_id": client.pk,
                "name": client.name,
                "code": client.code,
                "active": client.is_active,
                "opened": now_f["opened"],
                "resolved": now_f["resolved"],
                "compliance": now_f["compliance"],
                "compliance_trend": trend(
                    now_f["compliance"], before["compliance"], higher_is_better=True
                ),
                "breaches": now_f["breaches"],
                "csat": now_f["csat"],
                "csat_trend": trend(now_f["csat"], before["csat"], higher_is_better=True),
                "rated": now_f["rated"],
                "response_rate": now_f["csat_response_rate"],
                "response_rate_trend": trend(
                    now_f["csat_response_rate"], before["csat_response_rate"], higher_is_better=True
                ),
                "open_overdue": open_overdue,
                "risk": risk_score(
                    compliance=now_f["compliance"],
                    csat=now_f["csat"],
                    open_overdue=open_overdue,
                    previous_compliance=before["compliance"],
                ),
                "dashboard_url": reverse("dashboards:client-dashboard") + f"?client={client.pk}",
            }
        )
    return sorted(table, key=lambda row: (-row["risk"], row["name"]))
