"""Two ratings of one ticket at once: one wins, the other is told it is already rated (no 500)."""

import pytest

from itsm.exceptions import ApplicationError
from tests.servers import require_postgres
from tests.tickets.test_concurrency import run_in_threads
from tickets import services
from tickets.models import Rating

from .helpers import resolve


@pytest.mark.server
@pytest.mark.django_db(transaction=True)
def test_simultaneous_ratings_have_one_winner_and_a_clear_loser(ticket_a1, agent_a, user_a1):
    require_postgres()
    resolve(ticket_a1, agent_a)
    results, errors = run_in_threads(
        2, lambda i: services.ticket_rate(actor=user_a1, ticket=ticket_a1, score=i + 4)
    )
    assert len(results) == 1 and len(errors) == 1, errors
    assert isinstance(errors[0], ApplicationError), repr(errors[0])
    assert errors[0].extra["code"] == "already_rated"
    assert "already rated" in errors[0].message
    assert Rating.objects.filter(ticket=ticket_a1).count() == 1


@pytest.mark.django_db
def test_second_rating_is_told_already_rated(ticket_a1, agent_a, user_a1, api_for):
    resolve(ticket_a1, agent_a)
    services.ticket_rate(actor=user_a1, ticket=ticket_a1, score=5)
    with pytest.raises(ApplicationError, match="already rated") as refused:
        services.ticket_rate(actor=user_a1, ticket=ticket_a1, score=1)
    assert refused.value.extra == {"code": "already_rated"}
    response = api_for(user_a1).post(
        f"/api/v1/tickets/{ticket_a1.pk}/rating/", {"score": 2}, format="json"
    )
    assert response.status_code == 400 and response.json()["code"] == "already_rated"


@pytest.mark.django_db
def test_rating_a_non_number_is_a_clear_400(ticket_a1, agent_a, user_a1, login):
    resolve(ticket_a1, agent_a)
    with pytest.raises(ApplicationError, match="1 to 5"):
        services.ticket_rate(actor=user_a1, ticket=ticket_a1, score="²")
    assert not Rating.objects.exists()
