"""CSAT figures carry their response rate: average, distribution, sent and answered together.

The satisfaction page reads them from the monthly roll-ups; each test rolls up first."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from reports.dashboards.rollups import rollups_rebuild
from reports.dashboards.satisfaction import csat_by_month_for
from tests.factories import make_ticket
from tickets import services

from .helpers import reopen, resolve

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
OCT = datetime(2026, 10, 15, 10, tzinfo=SHANGHAI)
NOV = datetime(2026, 11, 15, 10, tzinfo=SHANGHAI)


def rated(requester, agent, score, now):
    ticket = make_ticket(requester=requester)
    resolve(ticket, agent, now=now)
    if score is not None:
        services.ticket_rate(actor=requester, ticket=ticket, score=score, now=now)
    return ticket


def csat_figures_for(*, user):
    rollups_rebuild(now=timezone.now())
    return csat_by_month_for(user=user)


def test_figures_per_client_and_month_with_response_rate(
    user_a1, user_b1, agent_a, agent_b, admin_user
):
    for score in (5, 4, None, None):
        rated(user_a1, agent_a, score, NOV)
    rated(user_a1, agent_a, 1, OCT)
    rated(user_b1, agent_b, 3, NOV)
    figures = {(f["client"], f["month"].month): f for f in csat_figures_for(user=admin_user)}
    nov_a = figures[("华信银行", 11)]
    assert (nov_a["sent"], nov_a["answered"], nov_a["response_rate"]) == (4, 2, 50)
    assert nov_a["average"] == 4.5
    assert nov_a["distribution"] == {1: 0, 2: 0, 3: 0, 4: 1, 5: 1}
    oct_a = figures[("华信银行", 10)]
    assert (oct_a["sent"], oct_a["answered"], oct_a["average"]) == (1, 1, 1)
    assert figures[("东方物流", 11)]["average"] == 3


def test_latest_rating_of_a_ticket_counts(user_a1, agent_a, admin_user):
    ticket = rated(user_a1, agent_a, 1, NOV)
    reopen(ticket, user_a1, now=NOV)
    resolve(ticket, agent_a, now=NOV)
    services.ticket_rate(actor=user_a1, ticket=ticket, score=5, now=NOV)
    (figure,) = csat_figures_for(user=admin_user)
    assert (figure["sent"], figure["answered"]) == (2, 2)
    assert figure["average"] == 5 and figure["distribution"][1] == 0


def test_figures_are_scoped_to_the_viewer(user_a1, user_b1, agent_a, agent_b, manager_b):
    rated(user_a1, agent_a, 2, NOV)
    rated(user_b1, agent_b, 4, NOV)
    assert [f["client"] for f in csat_figures_for(user=agent_a)] == ["华信银行"]
    assert [f["client"] for f in csat_figures_for(user=manager_b)] == ["东方物流"]
    assert csat_figures_for(user=user_a1) == []  # end users see no client's figures


def test_the_page_lists_months_newest_first_in_constant_queries(
    client, user_a1, agent_a, manager_a, django_assert_max_num_queries
):
    rated(user_a1, agent_a, 2, OCT)
    rated(user_a1, agent_a, 4, NOV)
    rollups_rebuild(now=timezone.now())
    client.force_login(manager_a)
    with django_assert_max_num_queries(12):
        page = client.get("/satisfaction/results/").content.decode()
    table = page[page.index('id="csat-figures"') :]
    assert table.index("2026-11") < table.index("2026-10")
