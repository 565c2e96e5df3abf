"""The client address behind TRUSTED_PROXY_COUNT proxies, and no spoofing without one."""

import pytest
from django.test import RequestFactory
from django.urls import reverse
from rest_framework.throttling import ScopedRateThrottle

from audit.models import AuditEvent
from itsm.client_ip import client_ip
from tests.factories import PASSWORD

PROXY = "10.0.0.2"
CLIENT = "198.51.100.23"
FORGED = "203.0.113.99"


def ip_of(remote, forwarded=None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return client_ip(RequestFactory().get("/", REMOTE_ADDR=remote, **extra))


def test_without_a_trusted_proxy_the_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert ip_of(PROXY, FORGED) == PROXY
    assert ip_of(PROXY) == PROXY


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (1, CLIENT, CLIENT),
        # The client wrote FORGED itself; our one proxy appended the true address after it.
        (1, f"{FORGED}, {CLIENT}", CLIENT),
        (2, f"{FORGED}, {CLIENT}, 10.0.0.9", CLIENT),
        (1, "2001:db8::1", "2001:db8::1"),
        # Shorter than the proxy chain: it bypassed a proxy, the header is the client's own.
        (2, FORGED, PROXY),
        (1, None, PROXY),
        (1, "", PROXY),
        # Not an address where our proxy writes one: the peer is the only sure address.
        (1, f"{CLIENT}, not-an-ip", PROXY),
    ],
)
def test_behind_trusted_proxies(settings, count, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = count
    assert ip_of(PROXY, forwarded) == expected


def sign_in(client, password, forwarded):
    return client.post(
        reverse("account_login"),
        {"login": "user_a1", "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


@pytest.mark.django_db
def test_audit_log_records_the_forwarded_client_behind_a_proxy(settings, client, user_a1):
    settings.TRUSTED_PROXY_COUNT = 1
    sign_in(client, PASSWORD, f"{FORGED}, {CLIENT}")
    assert AuditEvent.objects.get(action=AuditEvent.Action.LOGIN).ip == CLIENT


@pytest.mark.django_db
def test_audit_log_cannot_be_given_a_forged_address(settings, client, user_a1):
    settings.TRUSTED_PROXY_COUNT = 0
    sign_in(client, PASSWORD, FORGED)
    assert AuditEvent.objects.get(action=AuditEvent.Action.LOGIN).ip == PROXY


def failures_until_locked(client, settings, addresses):
    """Wrong passwords for different names (so only the per-address limit can lock), one
    forwarded address per attempt; returns the attempt that was refused, or None."""
    settings.ACCOUNT_RATE_LIMITS = {"login_failed": "3/m/ip"}
    for attempt, forwarded in enumerate(addresses, start=1):
        response = client.post(
            reverse("account_login"),
            {"login": f"nobody{attempt}", "password": "wrong"},
            REMOTE_ADDR=PROXY,
            HTTP_X_FORWARDED_FOR=forwarded,
        )
        errors = response.context["form"].non_field_errors().as_data()
        if any(error.code == "too_many_login_attempts" for error in errors):
            return attempt
    return None


@pytest.mark.django_db
def test_lock_out_is_per_client_behind_a_proxy(settings, client):
    settings.TRUSTED_PROXY_COUNT = 1
    # Three clients behind one proxy: none of them reaches its own limit.
    assert failures_until_locked(client, settings, ["198.51.100.1", "198.51.100.2"] * 2) is None
    assert failures_until_locked(client, settings, [CLIENT] * 5) == 4


@pytest.mark.django_db
def test_forged_addresses_do_not_escape_the_lock_out(settings, client):
    settings.TRUSTED_PROXY_COUNT = 0
    forged = [f"203.0.113.{n}" for n in range(1, 6)]
    assert failures_until_locked(client, settings, forged) == 4


@pytest.mark.django_db
def test_forged_addresses_do_not_escape_the_api_throttle(settings, monkeypatch, client, user_a1):
    settings.TRUSTED_PROXY_COUNT = 0
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"auth": "2/min"})
    statuses = [
        client.post(
            "/api/v1/auth/token/",
            {"username": "user_a1", "password": PASSWORD},
            content_type="application/json",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
        ).status_code
        for n in range(3)
    ]
    assert statuses == [200, 200, 429]
