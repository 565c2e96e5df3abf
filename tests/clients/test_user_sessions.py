"""Sessions listed and ended by their owner (allauth.usersessions): sign out everywhere else."""

import pytest
from django.test import Client
from django.urls import reverse

from clients.services import api_token_create
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

SESSIONS = reverse("usersessions_list")


def signed_in(user, agent: str) -> Client:
    browser = Client(HTTP_USER_AGENT=agent)
    response = browser.post(
        reverse("account_login"), {"login": user.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    return browser


def test_owner_sees_own_sessions_and_ends_the_others(user_a1, user_a2):
    laptop = signed_in(user_a1, "Laptop browser")
    phone = signed_in(user_a1, "Phone browser")
    other_person = signed_in(user_a2, "Colleague browser")

    page = laptop.get(SESSIONS)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Laptop browser" in html and "Phone browser" in html
    assert "Colleague browser" not in html
    assert f'href="{SESSIONS}"' in laptop.get(reverse("portal:home")).content.decode()

    assert laptop.post(SESSIONS).status_code == 302

    # The ended session is signed out; the one that ended it and another person's are not.
    assert phone.get(reverse("portal:ticket-list")).status_code == 302
    assert laptop.get(reverse("portal:ticket-list")).status_code == 200
    assert other_person.get(reverse("portal:ticket-list")).status_code == 200
    assert "Phone browser" not in laptop.get(SESSIONS).content.decode()


def test_signing_out_other_sessions_leaves_api_tokens_alone(user_a1):
    # API tokens are separate credentials, revoked on the API tokens page.
    _, key = api_token_create(actor=user_a1, name="script")
    laptop = signed_in(user_a1, "Laptop browser")
    signed_in(user_a1, "Phone browser")
    laptop.post(SESSIONS)
    api = Client().get(reverse("ticket-list"), HTTP_AUTHORIZATION=f"Token {key}")
    assert api.status_code == 200


def test_sessions_page_needs_sign_in(client):
    assert client.get(SESSIONS).status_code == 302
