"""The provider overview: every client a staff member serves in one table, riskiest first.

Risk score (higher = look first), documented on the page and in the README:
  (100 - SLA compliance %)                        0-100, 0 when nothing was decided
+ 10 x (5 - CSAT average)                         0-40, 0 when nothing was rated
+ open tickets past their SLA due now, at most 20
+ 10 when compliance fell 5 or more points against the previous period
+ 5 x complaints received via the client in the period, at most 30
  (the client had to step in: the clearest sign the relationship is in trouble)
"""

from collections import defaultdict
from datetime import datetime
from functools import reduce
from operator import or_

from django.db.models import Count, Q, Sum
from django.urls import reverse

from clients.models import Client
from reports.complaints.models import Complaint, Source
from tickets.models import Ticket

from .metrics import figures, merge, trend
from .periods import Period
from .selectors import SERIES_FIELDS, rollup_rows

RISK_CSAT_WEIGHT = 10
RISK_OPEN_OVERDUE_CAP = 20
RISK_WORSENING_POINTS = 5
RISK_WORSENING_PENALTY = 10
RISK_VIA_CLIENT_WEIGHT = 5
RISK_VIA_CLIENT_CAP = 30
OVERVIEW_FIELDS = SERIES_FIELDS  # the series' counters carry every rating figure


def risk_score(
    *, compliance, csat, open_overdue: int, previous_compliance, via_client: int = 0
) -> float:
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
    score += min(RISK_VIA_CLIENT_WEIGHT * via_client, RISK_VIA_CLIENT_CAP)
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


def _complaints(user, period: Period, clients: list[Client]) -> dict[int, dict]:
    """Complaints logged in the period per client, each client's days in its own time zone
    (one query: one bounds condition per time zone)."""
    zones = defaultdict(list)
    for client in clients:
        zones[client.time_zone].append(client.pk)
    if not zones:
        return {}
    bounds = []
    for zone, ids in zones.items():
        start, end = period.utc_bounds(zone)
        bounds.append(Q(client_id__in=ids, created_at__gte=start, created_at__lt=end))
    rows = (
        Complaint.objects.visible_to(user)
        .filter(reduce(or_, bounds))
        .values("client_id")
        .annotate(n=Count("id"), via_client=Count("id", filter=Q(source=Source.VIA_CLIENT)))
        .order_by()
    )
    return {row["client_id"]: row for row in rows}


def provider_overview_for(*, user, period: Period, now: datetime) -> list[dict]:
    """One row per client `user` serves: five queries whatever the number of clients/tickets."""
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
    complaints = _complaints(user, period, clients)
    table = []
    for client in clients:
        now_f = figures(merge([current.get(client.pk, defaultdict(int))]))
        before = figures(merge([previous.get(client.pk, defaultdict(int))]))
        open_overdue = overdue.get(client.pk, 0)
        logged = complaints.get(client.pk, {"n": 0, "via_client": 0})
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
                "complaints": logged["n"],
                "complaints_via_client": logged["via_client"],
                "risk": risk_score(
                    compliance=now_f["compliance"],
                    csat=now_f["csat"],
                    open_overdue=open_overdue,
                    previous_compliance=before["compliance"],
                    via_client=logged["via_client"],
                ),
                "dashboard_url": reverse("dashboards:client-dashboard") + f"?client={client.pk}",
            }
        )
    return sorted(table, key=lambda row: (-row["risk"], row["name"]))
