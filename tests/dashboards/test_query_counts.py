"""The dashboard, its API and the overview cost the same queries for 4 or 40 tickets (with
their ratings, follow-ups and complaints) and survey rounds."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports.dashboards.rollups import rollups_rebuild
from reports.satisfaction.models import FollowUp, Question, Questionnaire
from sla.models import SlaClock
from tests import factories as f

from .conftest import World, clock, complaint, local, survey_round

pytestmark = pytest.mark.django_db

OCT = "period=custom&from=2026-10-01&to=2026-10-31"
URLS = (
    "/dashboards/?" + OCT,
    "/dashboards/csv/volume/?" + OCT,
    "/api/v1/dashboards/client/?" + OCT,
    "/dashboards/overview/?" + OCT,
    "/api/v1/dashboards/overview/?" + OCT,
)


def grow(world: World, n: int) -> None:
    """n tickets over October across both sites, categories and four priorities; every third
    breached, every second rated with a comment."""
    for i in range(n):
        ticket = world.ticket(
            f"N{world.number}",
            site=world.sites[i % 2],
            requester=world.requesters[i % 2],
            created=local(10, 1 + i % 28, 9),
            priority=1 + i % 4,
            category=world.categories[i % 2],
        )
        breached = local(10, 1 + i % 28, 12) if i % 3 == 0 else None
        clock(
            ticket,
            SlaClock.Kind.RESPONSE,
            met=not breached,
            minutes=20 + i,
            stopped=local(10, 1 + i % 28, 9, 30),
            breached=breached,
            tier=("Gold", "Standard")[i % 2],
        )
        clock(
            ticket,
            SlaClock.Kind.RESOLUTION,
            met=True,
            minutes=300 + i,
            stopped=local(10, 1 + i % 28, 17),
            tier=("Gold", "Standard")[i % 2],
        )
        world.resolve(ticket, local(10, 1 + i % 28, 17))
        if i % 2:
            rating = world.rate(ticket, 1 + i % 5, f"comment {i}")
            if rating.score <= 2:
                FollowUp.objects.create(
                    client=world.client, rating=rating, ticket=ticket, status="done", note="n"
                )
        # Complaints of both sources, some closed, some overdue now.
        complaint(
            world.client,
            world.requesters[0],
            created=local(10, 1 + i % 28, 9),
            source=("direct", "via_client")[i % 2],
            category=("slow_response", "attitude", "other")[i % 3],
            status=("open", "closed", "investigating")[i % 3],
            closed_at=local(10, 1 + i % 28, 18) if i % 3 == 1 else None,
        )


def counts(client, users) -> list[int]:
    found = []
    for user, url in users:
        client.force_login(user)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200, url
        found.append(len(ctx.captured_queries))
    return found


def test_query_counts_do_not_grow_with_tickets(
    client, client_a, site_a, site_a2, user_a1, user_a2, manager_a, agent_a, admin_user
):
    categories = [f.make_category("desktop"), f.make_category("network")]
    world = World(client_a, [site_a, site_a2], [user_a1, user_a2], categories)
    cases = [
        (manager_a, URLS[0]),
        (manager_a, URLS[1]),
        (manager_a, URLS[2]),
        (agent_a, URLS[0] + f"&client={client_a.pk}"),
        (admin_user, URLS[3]),
        (admin_user, URLS[4]),
    ]
    survey = Questionnaire.objects.create(title="Quarterly", every_months=3)
    Question.objects.create(questionnaire=survey, position=1, text="Overall")
    Question.objects.create(questionnaire=survey, position=2, kind="recommend", text="NPS")
    grow(world, 4)
    survey_round(client_a, survey, date(2026, 7, 1), [[4, 9]], [user_a1, user_a2])
    rollups_rebuild(now=local(11, 5))
    small = counts(client, cases)
    grow(world, 40)
    for start in (date(2025, 10, 1), date(2026, 1, 1), date(2026, 4, 1), date(2026, 10, 1)):
        survey_round(client_a, survey, start, [[3, 7], [5, 10]], [user_a1, user_a2, manager_a])
    f.make_client(code="ZZ", name="另一个客户")
    rollups_rebuild(now=local(11, 5))
    assert counts(client, cases) == small
    # The dashboard: 5 roll-up reads, sites, categories, overdue tickets, breaches, satisfaction
    # (8 with the surveys), complaints (4), plus the session and user.
    assert max(small) <= 30, small
