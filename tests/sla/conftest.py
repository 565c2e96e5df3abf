"""SLA test helpers: instants on the cn-std calendar, tiers and assignments, fresh clocks."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from sla.models import BusinessCalendar, ServiceTier, SlaClock, TierAssignment, TierTarget
from tickets.models import Impact, Urgency

SHANGHAI = ZoneInfo("Asia/Shanghai")
# Impact/urgency pairs the default matrix maps to each priority.
FOR_PRIORITY = {
    1: {"impact": Impact.HIGH, "urgency": Urgency.HIGH},
    2: {"impact": Impact.HIGH, "urgency": Urgency.MEDIUM},
    3: {"impact": Impact.MEDIUM, "urgency": Urgency.MEDIUM},
    4: {"impact": Impact.LOW, "urgency": Urgency.MEDIUM},
}


def cst(month: int, day: int, hour: int, minute: int = 0, second: int = 0) -> datetime:
    """An instant of 2026 in Shanghai; 2026-03-02 is a plain Monday on cn-std."""
    return datetime(2026, month, day, hour, minute, second, tzinfo=SHANGHAI)


def make_tier(
    name: str,
    *,
    calendar: str = "cn-std",
    targets: dict[int, tuple[int, int]] | None = None,
    warning_percent: int = 75,
) -> ServiceTier:
    tier = ServiceTier.objects.create(
        name=name,
        calendar=BusinessCalendar.objects.get(code=calendar),
        warning_percent=warning_percent,
    )
    targets = targets or {1: (30, 240), 2: (60, 480), 3: (240, 1440), 4: (480, 2880)}
    TierTarget.objects.bulk_create(
        TierTarget(tier=tier, priority=p, response_minutes=r, resolution_minutes=s)
        for p, (r, s) in targets.items()
    )
    return tier


def assign(tier: ServiceTier, *, client, site=None, user=None) -> TierAssignment:
    assignment = TierAssignment(client=client, site=site, user=user, tier=tier)
    assignment.full_clean()
    assignment.save()
    return assignment


def clocks_of(ticket) -> dict[str, SlaClock]:
    return {clock.kind: clock for clock in SlaClock.objects.filter(ticket=ticket)}


@pytest.fixture(autouse=True)
def _english():
    # Timeline texts are written in the active language; these tests read the English source.
    with translation.override("en"):
        yield


@pytest.fixture
def team_a(agent_a):
    return agent_a.teams.get()
