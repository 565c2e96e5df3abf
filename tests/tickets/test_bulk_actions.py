"""Bulk queue actions obey the same optimistic version check as single actions."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from tests.factories import make_ticket
from tickets import services
from tickets.models import Status

pytestmark = pytest.mark.django_db


def test_queue_rows_carry_the_version_shown(client, agent_a, ticket_a1):
    client.force_login(agent_a)
    page = client.get(reverse("tickets:ticket-queue")).content.decode()
    assert f'value="{ticket_a1.pk}:{ticket_a1.version}"' in page


def test_stale_row_is_skipped_with_its_reference_and_fresh_rows_apply(
    client, agent_a, admin_user, user_a1
):
    stale, fresh = make_ticket(requester=user_a1), make_ticket(requester=user_a1)
    shown = {t.pk: t.version for t in (stale, fresh)}
    # A colleague moves `stale` after the queue was loaded.
    services.ticket_change_status(
        actor=admin_user, ticket=stale, status=Status.WAITING, expected_version=stale.version
    )
    client.force_login(agent_a)
    response = client.post(
        reverse("tickets:ticket-queue"),
        {
            "tickets": [f"{pk}:{version}" for pk, version in shown.items()],
            "action": "status",
            "status": Status.IN_PROGRESS,
        },
    )
    assert response.status_code == 302
    stale.refresh_from_db()
    fresh.refresh_from_db()
    assert stale.status == Status.WAITING  # the colleague's move stands
    assert fresh.status == Status.IN_PROGRESS
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert any(stale.reference in t and "changed by someone else" in t for t in texts), texts
    assert not any(fresh.reference in t for t in texts)
    assert "1 tickets updated." in texts


def test_stale_bulk_assign_is_refused_too(client, agent_a, admin_user, ticket_a1):
    shown = ticket_a1.version
    services.ticket_change_priority(
        actor=admin_user, ticket=ticket_a1, priority=1, expected_version=shown
    )
    client.force_login(agent_a)
    client.post(
        reverse("tickets:ticket-queue"),
        {"tickets": [f"{ticket_a1.pk}:{shown}"], "action": "assign", "assignee": agent_a.pk},
    )
    ticket_a1.refresh_from_db()
    assert ticket_a1.assignee_id is None


def test_row_without_version_is_not_acted_on(client, agent_a, ticket_a1):
    client.force_login(agent_a)
    response = client.post(
        reverse("tickets:ticket-queue"),
        {"tickets": [str(ticket_a1.pk)], "action": "status", "status": Status.IN_PROGRESS},
    )
    assert response.status_code == 400
    ticket_a1.refresh_from_db()
    assert ticket_a1.status == Status.NEW
