"""Assigning to another client's team is refused without naming that team (issue 7 item 20)."""

import pytest

from tests import factories as f

pytestmark = pytest.mark.django_db


def test_refusal_does_not_name_another_clients_team(api_for, agent_a, ticket_a1, client_b):
    other = f.make_team(clients=[client_b], name="Secret Logistics Squad")
    response = api_for(agent_a).post(
        f"/api/v1/tickets/{ticket_a1.pk}/assign/",
        {"team": other.pk, "version": ticket_a1.version},
        format="json",
    )
    assert response.status_code == 400
    assert "does not serve this client" in response.json()["detail"]
    assert "Secret Logistics Squad" not in response.content.decode()
