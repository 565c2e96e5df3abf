"""Concurrency: reference allocation, claims and stale edits."""

import threading

import pytest
from django.db import connection

from itsm.exceptions import ConflictError
from tests.factories import make_ticket
from tests.servers import require_postgres
from tickets import services
from tickets.models import Ticket


def run_in_threads(count, work):
    """Start `count` threads at the same moment; each gets its own DB connection."""
    barrier = threading.Barrier(count)
    results, errors = [], []

    def body(i):
        try:
            barrier.wait()
            results.append(work(i))
        except Exception as exc:  # collected and asserted by the caller
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=body, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results, errors


@pytest.mark.server
@pytest.mark.django_db(transaction=True)
def test_concurrent_creates_never_share_a_reference(user_a1):
    require_postgres()
    results, errors = run_in_threads(12, lambda i: make_ticket(requester=user_a1).reference)
    assert not errors
    assert len(set(results)) == 12
    numbers = sorted(Ticket.objects.values_list("number", flat=True))
    assert numbers == list(range(1, 13))


@pytest.mark.server
@pytest.mark.django_db(transaction=True)
def test_concurrent_claims_have_exactly_one_winner(ticket_a1, agent_a, client_a):
    require_postgres()
    from tests.factories import make_team, make_user

    rival = make_user(role="agent", username="rival")
    make_team(members=[rival], clients=[client_a])
    agents = [agent_a, rival]
    results, errors = run_in_threads(
        2, lambda i: services.ticket_claim(actor=agents[i], ticket=ticket_a1)
    )
    assert len(results) == 1 and len(errors) == 1
    assert isinstance(errors[0], ConflictError)
    winner = Ticket.objects.get(pk=ticket_a1.pk).assignee
    assert winner == results[0].assignee
    assert winner.display_name in errors[0].message and "already taken" in errors[0].message
    assert ticket_a1.events.filter(kind="assigned").count() == 1


@pytest.mark.django_db
def test_second_claim_is_told_who_has_it(ticket_a1, agent_a, client_a):
    from tests.factories import make_team, make_user

    rival = make_user(role="agent", username="rival", first_name="Rival")
    make_team(members=[rival], clients=[client_a])
    services.ticket_claim(actor=rival, ticket=ticket_a1)
    with pytest.raises(ConflictError, match="Rival"):
        services.ticket_claim(actor=agent_a, ticket=ticket_a1)


@pytest.mark.django_db
def test_stale_edit_refused_and_nothing_lost(ticket_a1, agent_a, login):
    opened_version = ticket_a1.version
    services.ticket_change_priority(
        actor=agent_a, ticket=ticket_a1, priority=1, expected_version=opened_version
    )
    web = login(agent_a)
    response = web.post(
        f"/queue/tickets/{ticket_a1.pk}/",
        {
            "action": "edit",
            "version": opened_version,
            "subject": "My stale subject",
            "description": "x",
        },
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "after you opened it" in page
    assert "My stale subject" in page  # the person's input is still on the page
    ticket_a1.refresh_from_db()
    assert ticket_a1.priority == 1 and ticket_a1.subject != "My stale subject"


@pytest.mark.django_db
def test_stale_api_update_is_409(ticket_a1, agent_a, api_for):
    services.ticket_change_priority(actor=agent_a, ticket=ticket_a1, priority=2)
    response = api_for(agent_a).patch(
        f"/api/v1/tickets/{ticket_a1.pk}/", {"version": 1, "subject": "new"}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["code"] == "stale" and response.json()["current_version"] == 2


@pytest.mark.server
@pytest.mark.django_db(transaction=True)
def test_concurrent_submits_of_one_form_token_make_one_ticket(user_a1):
    """A double click sends two POSTs at once: the unique key makes the second find the first
    ticket instead of filing another."""
    require_postgres()
    results, errors = run_in_threads(
        4,
        lambda i: services.ticket_create_once(
            actor=user_a1, key="form:double-click", subject="Printer", description="jam"
        ),
    )
    assert not errors
    assert len({ticket.pk for ticket, _created in results}) == 1
    assert sorted(created for _ticket, created in results) == [False, False, False, True]
    assert Ticket.objects.count() == 1


@pytest.mark.server
@pytest.mark.django_db(transaction=True)
def test_concurrent_panel_submits_with_one_version_have_one_winner(ticket_a1, agent_a):
    require_postgres()
    version = ticket_a1.version
    results, errors = run_in_threads(
        2,
        lambda i: services.ticket_change(
            actor=agent_a, ticket=ticket_a1, version=version, priority=1 + i, body=f"reply {i}"
        ),
    )
    assert len(results) == 1 and len(errors) == 1
    assert isinstance(errors[0], ConflictError)
    assert ticket_a1.events.filter(kind="reply").count() == 1
