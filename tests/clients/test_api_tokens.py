"""Personal API tokens: two factors for staff, one lock-out with the web, revocable, hashed."""

import time
from types import SimpleNamespace

import pytest
from django.contrib import admin
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from clients import token_cache
from clients.models import ApiToken, api_token_hash
from clients.services import api_token_create, api_tokens_revoke_all
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth/token/"
TICKETS_URL = "/api/v1/tickets/"
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@pytest.fixture(autouse=True)
def _fresh_counters():
    # Lock-out counters and used TOTP codes live in the cache.
    cache.clear()
    yield
    cache.clear()


def totp_code(offset: int = 0) -> str:
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(SECRET, int(time.time()) // 30 + offset))


def enrol_totp(user):
    from allauth.mfa.totp.internal.auth import TOTP

    return TOTP.activate(user, SECRET).instance


def get_token(client, login, password=PASSWORD, **extra):
    return client.post(
        TOKEN_URL,
        {"username": login, "password": password, **extra},
        content_type="application/json",
    )


def api_get(client, key, url=TICKETS_URL):
    return client.get(url, HTTP_AUTHORIZATION=f"Token {key}")


def sign_in_with_code(client, user):
    """The real web sign-in: password page, then the two-factor code page."""
    response = client.post(reverse("account_login"), {"login": user.username, "password": PASSWORD})
    assert response.status_code == 302 and response.url == reverse("mfa_authenticate")
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code()})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


# --- item 1: staff reach the API only with their second factor ---------------------------------


def test_end_user_gets_a_token_for_a_password(client, user_a1):
    response = get_token(client, "user_a1")
    assert response.status_code == 200
    assert api_get(client, response.json()["token"]).status_code == 200


def test_staff_with_totp_need_a_code_for_a_token(client, agent_a):
    enrol_totp(agent_a)
    response = get_token(client, "agent_a")
    assert response.status_code == 403
    assert "two-factor code" in response.json()["detail"]
    response = get_token(client, "agent_a", code="000000" if totp_code() != "000000" else "111111")
    assert response.status_code == 403
    assert "not correct" in response.json()["detail"]
    assert not ApiToken.objects.exists()
    response = get_token(client, "agent_a", code=totp_code())
    assert response.status_code == 200
    assert api_get(client, response.json()["token"]).status_code == 200


def test_staff_who_must_enrol_get_no_token(settings, client, agent_a):
    settings.MFA_REQUIRED_FOR_STAFF = True
    response = get_token(client, "agent_a")
    assert response.status_code == 403
    assert "enrol two-factor" in response.json()["detail"]
    assert not ApiToken.objects.exists()


def test_staff_token_refused_while_enrolment_is_missing(settings, client, agent_a):
    _token, key = api_token_create(actor=agent_a, name="old script")
    settings.MFA_REQUIRED_FOR_STAFF = True
    response = api_get(client, key)
    assert response.status_code == 401
    assert "two-factor" in response.json()["detail"]


def test_session_api_obeys_the_pages_two_factor_rule(settings, login, agent_a):
    settings.MFA_REQUIRED_FOR_STAFF = True
    web = login(agent_a)
    response = web.get(TICKETS_URL)
    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"
    assert "enrol two-factor" in response.json()["detail"]
    assert web.get(reverse("tickets:ticket-queue")).url == reverse("mfa_activate_totp")
    enrol_totp(agent_a)
    assert web.get(TICKETS_URL).status_code == 200


def test_suspended_session_on_the_api_answers_json(login, user_a1, client_a):
    web = login(user_a1)
    client_a.status, client_a.suspension_reason = "suspended", "unpaid"
    client_a.save()
    response = web.get(TICKETS_URL)
    assert response.status_code == 403 and "unpaid" in response.json()["detail"]


def test_token_page_needs_a_two_factor_session_for_staff(client, login, agent_a):
    enrol_totp(agent_a)
    # A session that never showed a code (here: forced) may not mint tokens.
    page = login(agent_a).get(reverse("clients:token-list"))
    assert page.status_code == 403
    assert "two-factor code" in page.content.decode()
    assert client.post(reverse("clients:token-list"), {"name": "x"}).status_code == 403
    client.logout()
    web = sign_in_with_code(client, agent_a)
    assert web.get(reverse("clients:token-list")).status_code == 200
    response = web.post(reverse("clients:token-list"), {"name": "queue monitor"})
    assert response.status_code == 200
    key = response.context["new_key"]
    assert key in response.content.decode()
    assert api_get(Client(), key).status_code == 200


def test_staff_without_second_factor_use_the_page_when_not_required(login, agent_a):
    response = login(agent_a).post(reverse("clients:token-list"), {"name": "demo"})
    assert response.status_code == 200 and response.context["new_key"]


def test_enrolling_in_this_session_counts_as_the_second_factor(rf, agent_a):
    from django.contrib.sessions.backends.db import SessionStore

    from clients import twofactor

    request = rf.get("/")
    request.user, request.session = agent_a, SessionStore()
    assert not twofactor.session_passed_second_factor(request)
    request.session["account_authentication_methods"] = [{"method": "password", "at": 1.0}]
    request.session["account_authentication_methods_user"] = str(agent_a.pk)
    assert not twofactor.session_passed_second_factor(request)
    enrol_totp(agent_a)
    assert twofactor.session_passed_second_factor(request)
    request.session["account_authentication_methods"] = [
        {"method": "password", "at": time.time() + 60}
    ]
    assert not twofactor.session_passed_second_factor(request)


def test_key_is_shown_once_and_stored_hashed(login, user_a1):
    web = login(user_a1)
    response = web.post(reverse("clients:token-list"), {"name": "my script"})
    key = response.context["new_key"]
    token = ApiToken.objects.get()
    assert token.key_hash == api_token_hash(key) and key not in token.key_hash
    assert key.startswith(token.key_start)
    listing = web.get(reverse("clients:token-list")).content.decode()
    assert "my script" in listing and key not in listing


def test_empty_token_name_is_explained(login, user_a1):
    response = login(user_a1).post(reverse("clients:token-list"), {"name": "  "})
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


# --- item 2: one lock-out counter for the web and the API ----------------------------------------


def fail_web(client, login, times=5):
    for _ in range(times):
        client.post(reverse("account_login"), {"login": login, "password": "wrong"})


def test_web_lock_out_also_locks_the_api(client, user_a1):
    fail_web(client, "user_a1")
    response = get_token(client, "user_a1")
    assert response.status_code == 429
    assert "Too many failed sign-in attempts" in response.json()["detail"]
    assert not ApiToken.objects.exists()


def test_api_lock_out_also_locks_the_web(client, user_a1):
    for _ in range(5):
        assert get_token(client, "user_a1", password="wrong").status_code == 400
    assert get_token(client, "user_a1").status_code == 429
    response = client.post(reverse("account_login"), {"login": "user_a1", "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert "Too many" in response.content.decode()


def test_wrong_two_factor_codes_lock_the_api_too(client, agent_a):
    enrol_totp(agent_a)
    wrong = "000000" if totp_code() != "000000" else "111111"
    statuses = [get_token(client, "agent_a", code=wrong).status_code for _ in range(6)]
    assert statuses[0] == 403 and statuses[-1] == 429
    assert get_token(client, "agent_a", code=totp_code()).status_code == 429


def test_token_endpoint_is_throttled(monkeypatch, client, user_a1):
    from rest_framework.throttling import ScopedRateThrottle

    # DRF binds the rates at import; the classes come from the REST_FRAMEWORK setting.
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"auth": "3/min"})
    assert [get_token(client, "user_a1").status_code for _ in range(3)] == [200] * 3
    response = get_token(client, "user_a1")
    assert response.status_code == 429
    assert "throttled" in response.json()["detail"]


# --- item 3: revocable, new per sign-in, dead on password change and suspension ------------------


def test_each_sign_in_issues_a_new_token(client, user_a1):
    first = get_token(client, "user_a1").json()["token"]
    second = get_token(client, "user_a1").json()["token"]
    assert first != second
    assert ApiToken.objects.filter(user=user_a1).count() == 2


def test_owner_revokes_on_the_page(login, user_a1):
    token, key = api_token_create(actor=user_a1, name="laptop")
    web = login(user_a1)
    response = web.post(reverse("clients:token-revoke", args=[token.pk]))
    assert response.status_code == 302
    response = api_get(Client(), key)
    assert response.status_code == 401 and "revoked" in response.json()["detail"]
    token.refresh_from_db()
    assert token.revoked_because == ApiToken.RevokedBecause.OWNER
    assert "by its owner" in web.get(reverse("clients:token-list")).content.decode()


def test_owner_revokes_through_the_api(client, user_a1):
    token, key = api_token_create(actor=user_a1, name="one")
    _other, other_key = api_token_create(actor=user_a1, name="two")
    listed = api_get(client, other_key, reverse("api-token-list")).json()
    assert {row["name"] for row in listed} == {"one", "two"}
    assert "key_hash" not in listed[0]
    response = client.delete(
        reverse("api-token-detail", args=[token.pk]), HTTP_AUTHORIZATION=f"Token {other_key}"
    )
    assert response.status_code == 204
    assert api_get(client, key).status_code == 401
    # Signing out revokes the token the request carries.
    response = client.delete(reverse("api-token-current"), HTTP_AUTHORIZATION=f"Token {other_key}")
    assert response.status_code == 204
    assert api_get(client, other_key).status_code == 401


def test_sign_out_without_a_token_is_explained(login, user_a1):
    response = login(user_a1).delete(reverse("api-token-current"))
    assert response.status_code == 400 and "not signed with a token" in response.json()["detail"]


def test_huge_token_id_is_404(login, user_a1):
    web = login(user_a1)
    assert web.delete(f"/api/v1/auth/tokens/{10**20}/").status_code == 404
    assert web.post(f"/api-tokens/{10**20}/revoke/").status_code == 404


def test_admin_revokes_with_an_action(client, login, admin_user, user_a1):
    token, key = api_token_create(actor=user_a1, name="leaked")
    web = login(admin_user)
    changelist = reverse("admin:clients_apitoken_changelist")
    assert "leaked" in web.get(changelist).content.decode()
    response = web.post(changelist, {"action": "revoke", "_selected_action": [token.pk]})
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_because == ApiToken.RevokedBecause.ADMIN
    assert api_get(Client(), key).status_code == 401


def test_password_change_on_the_web_ends_tokens(login, user_a1):
    _token, key = api_token_create(actor=user_a1, name="script")
    web = login(user_a1)
    response = web.post(
        reverse("account_change_password"),
        {"oldpassword": PASSWORD, "password1": "N3w-pass-2026!", "password2": "N3w-pass-2026!"},
    )
    assert response.status_code == 302
    assert api_get(Client(), key).status_code == 401
    assert ApiToken.objects.get().revoked_because == ApiToken.RevokedBecause.PASSWORD


def test_password_set_by_an_admin_ends_tokens(client, login, admin_user, user_a1):
    _token, key = api_token_create(actor=user_a1, name="script")
    response = login(admin_user).post(
        reverse("admin:auth_user_password_change", args=[user_a1.pk]),
        {"password1": "N3w-pass-2026!", "password2": "N3w-pass-2026!", "usable_password": "true"},
    )
    assert response.status_code == 302
    assert api_get(Client(), key).status_code == 401


def test_password_reset_ends_tokens(client, user_a1):
    from django.core import mail

    _token, key = api_token_create(actor=user_a1, name="script")
    client.post(reverse("account_reset_password"), {"email": user_a1.email})
    link = next(line for line in mail.outbox[0].body.splitlines() if "/password/reset/key/" in line)
    form_url = client.get(link.strip()).url
    response = client.post(form_url, {"password1": "N3w-pass-2026!", "password2": "N3w-pass-2026!"})
    assert response.status_code == 302
    assert api_get(Client(), key).status_code == 401


def test_hash_upgrade_at_sign_in_keeps_tokens(settings, client, user_a1):
    # A password re-hashed with a newer hasher is not a password change.
    _token, key = api_token_create(actor=user_a1, name="script")
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    client.post(reverse("account_login"), {"login": "user_a1", "password": PASSWORD})
    user_a1.refresh_from_db()
    assert user_a1.password.startswith("pbkdf2")
    assert api_get(Client(), key).status_code == 200


def test_deactivated_user_tokens_die_for_good(rf, client, admin_user, user_a1):
    from clients.admin import UserAdmin
    from clients.models import User

    _token, key = api_token_create(actor=user_a1, name="script")
    user_a1.is_active = False
    request = rf.post("/admin/")
    request.user = admin_user
    UserAdmin(User, admin.site).save_model(
        request, user_a1, SimpleNamespace(changed_data=["is_active"]), change=True
    )
    assert api_get(client, key).status_code == 401
    user_a1.is_active = True
    user_a1.save()
    assert api_get(client, key).status_code == 401


def test_client_suspension_ends_its_peoples_tokens_for_good(
    rf, client, admin_user, user_a1, user_b1
):
    from clients.admin import ClientAdmin
    from clients.models import Client

    _token, key = api_token_create(actor=user_a1, name="script")
    _other, key_b = api_token_create(actor=user_b1, name="script b")
    client_a = user_a1.client
    client_a.status, client_a.suspension_reason = "suspended", "contract ended"
    request = rf.post("/admin/")
    request.user = admin_user
    ClientAdmin(Client, admin.site).save_model(
        request, client_a, SimpleNamespace(changed_data=["status"]), change=True
    )
    assert api_get(client, key).status_code == 401
    client_a.status = "active"
    client_a.save()
    assert api_get(client, key).status_code == 401
    assert api_get(client, key_b).status_code == 200


def test_revoke_all_needs_exactly_one_target(user_a1):
    with pytest.raises(ValueError):
        api_tokens_revoke_all(because="admin")


def test_last_used_is_recorded_at_most_once_a_minute(client, user_a1, django_assert_num_queries):
    from datetime import timedelta

    from django.utils import timezone

    token, key = api_token_create(actor=user_a1, name="script")
    assert api_get(client, key).status_code == 200
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    assert api_get(client, key).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - timedelta(minutes=2))
    token_cache.forget_all()  # two minutes on, this process's copy of the token has expired
    assert api_get(client, key).status_code == 200
    token.refresh_from_db()
    assert token.last_used_at > first - timedelta(seconds=1)
    assert token.last_used_at <= timezone.now()


def test_token_page_costs_the_same_queries_for_few_or_many_tokens(login, user_a1):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    web = login(user_a1)

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert web.get(reverse("clients:token-list")).status_code == 200
        return len(ctx)

    for n in range(2):
        api_token_create(actor=user_a1, name=f"t{n}")
    few = queries()
    for n in range(20):
        token, _key = api_token_create(actor=user_a1, name=f"u{n}")
    ApiToken.objects.filter(name__startswith="u").update(revoked_because="owner")
    assert queries() == few


def test_token_page_in_chinese(login, user_a1):
    web = login(user_a1)
    web.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    page = web.get(reverse("clients:token-list")).content.decode()
    assert "API 令牌" in page and "创建令牌" in page
