"""Sign-in by username or email, no open sign-up, password reset, mandatory staff 2FA."""

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("login_name", ["user_a1", "user_a1@example.cn"])
def test_sign_in_by_username_or_email(client, user_a1, login_name):
    response = client.post(reverse("account_login"), {"login": login_name, "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user_a1.pk)


def test_wrong_password_is_explained(client, user_a1):
    response = client.post(reverse("account_login"), {"login": "user_a1", "password": "wrong"})
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    assert "not correct" in response.content.decode() or "不正确" in response.content.decode()


def test_no_open_sign_up(client):
    response = client.post(
        reverse("account_signup"),
        {
            "username": "intruder",
            "email": "x@example.cn",
            "password1": "Aa1!aaaaaa",
            "password2": "Aa1!aaaaaa",
        },
    )
    from clients.models import User

    assert not User.objects.filter(username="intruder").exists()
    assert response.status_code in (200, 403)


def test_password_reset_sends_email(client, user_a1):
    response = client.post(reverse("account_reset_password"), {"email": "user_a1@example.cn"})
    assert response.status_code == 302
    assert len(mail.outbox) == 1 and "user_a1@example.cn" in mail.outbox[0].to


def test_sign_out(login, user_a1):
    web = login(user_a1)
    web.post(reverse("account_logout"))
    assert "_auth_user_id" not in web.session


def test_roles_land_where_their_work_starts(login, user_a1, manager_a, agent_a):
    assert login(user_a1).get("/").url == reverse("portal:home")
    assert login(manager_a).get("/").url == reverse("tickets:ticket-client-list")
    assert login(agent_a).get("/").url == reverse("tickets:ticket-queue")


def test_mandatory_mfa_sends_staff_to_enrolment(settings, login, agent_a, user_a1):
    settings.MFA_REQUIRED_FOR_STAFF = True
    response = login(agent_a).get(reverse("tickets:ticket-queue"))
    assert response.status_code == 302 and response.url == reverse("mfa_activate_totp")
    assert login(user_a1).get(reverse("portal:home")).status_code == 200


def test_staff_with_totp_passes_mandatory_mfa(settings, login, agent_a):
    from allauth.mfa.models import Authenticator

    settings.MFA_REQUIRED_FOR_STAFF = True
    Authenticator.objects.create(user=agent_a, type=Authenticator.Type.TOTP, data={"secret": "x"})
    assert login(agent_a).get(reverse("tickets:ticket-queue")).status_code == 200


def test_mfa_optional_for_staff_when_setting_off(settings, login, agent_a):
    settings.MFA_REQUIRED_FOR_STAFF = False
    assert login(agent_a).get(reverse("tickets:ticket-queue")).status_code == 200


def test_language_switcher_changes_language(login, user_a1):
    web = login(user_a1)
    web.post(reverse("set_language"), {"language": "en", "next": "/portal/"})
    assert "My open tickets" in web.get(reverse("portal:home")).content.decode()
    web.post(reverse("set_language"), {"language": "zh-hans", "next": "/portal/"})
    assert "我的未结工单" in web.get(reverse("portal:home")).content.decode()


def test_failed_sign_ins_are_rate_limited(client, user_a1):
    from django.core.cache import cache

    cache.clear()
    for _ in range(5):
        client.post(reverse("account_login"), {"login": "user_a1", "password": "wrong"})
    response = client.post(reverse("account_login"), {"login": "user_a1", "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert "Too many" in response.content.decode() or response.status_code == 429
    cache.clear()


def test_everyone_can_enrol_totp(client, user_a1):
    client.post(reverse("account_login"), {"login": "user_a1", "password": PASSWORD})
    # Enabling 2FA asks for the password again first (allauth's reauthentication).
    assert client.get(reverse("mfa_activate_totp")).status_code == 302
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 200
    assert "secret" in response.content.decode().lower() or "otpauth" in response.content.decode()
