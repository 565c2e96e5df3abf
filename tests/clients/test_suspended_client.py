"""A suspended client's people cannot sign in, use the API or file tickets, and are told why."""

import pytest
from django.urls import reverse

from itsm.exceptions import ApplicationError
from tests.factories import PASSWORD, make_ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def suspended(client_a):
    client_a.status = "suspended"
    client_a.suspension_reason = "合同到期 contract expired"
    client_a.save()
    return client_a


def test_sign_in_refused_with_reason(client, user_a1, suspended):
    response = client.post(reverse("account_login"), {"login": "user_a1", "password": PASSWORD})
    assert response.status_code == 403
    assert "合同到期 contract expired" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_existing_session_is_ended(login, user_a1, suspended):
    web = login(user_a1)
    response = web.get(reverse("portal:home"))
    assert response.status_code == 403
    assert "合同到期" in response.content.decode()
    assert web.get(reverse("portal:home")).status_code == 302  # signed out: to the login page


def test_api_token_refused_with_reason(client, user_a1, suspended):
    response = client.post(
        "/api/v1/auth/token/",
        {"username": "user_a1", "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert "suspended" in response.json()["detail"]


def test_existing_token_refused(client, user_a1, suspended):
    from clients.services import api_token_create

    _token, key = api_token_create(actor=user_a1, name="script")
    response = client.get("/api/v1/tickets/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 401
    assert "suspended" in response.json()["detail"]


def test_filing_refused(user_a1, suspended):
    with pytest.raises(ApplicationError, match="suspended"):
        make_ticket(requester=user_a1)


def test_agents_still_sign_in(client, agent_a, suspended):
    response = client.post(reverse("account_login"), {"login": "agent_a", "password": PASSWORD})
    assert response.status_code == 302


def test_suspending_needs_a_reason(client_a):
    from django.core.exceptions import ValidationError

    client_a.status = "suspended"
    client_a.suspension_reason = "  "
    with pytest.raises(ValidationError, match="Say why"):
        client_a.full_clean()


def test_chinese_names_read_family_name_first(user_a1):
    user_a1.first_name, user_a1.last_name = "明", "李"
    assert user_a1.display_name == "李明"
    user_a1.first_name, user_a1.last_name = "Ming", "Li"
    assert user_a1.display_name == "Ming Li"
