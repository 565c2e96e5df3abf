"""CSAT figures carry their response rate: average, distribution, sent and answered together."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from reports.satisfaction.selectors import csat_figures_for
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
    (own,) = csat_figures_for(user=user_a1)  # an end user: their own requests only
    assert own["client"] == "华信银行" and own["sent"] == 1
