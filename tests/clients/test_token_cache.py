"""API token authentication keeps its rows per process for a few seconds (clients/token_cache):
never one token's person for another, nothing carried from one request to the next, and a
revocation, deactivation or suspension counts at once here and within seconds everywhere."""

import json

import pytest
from django.test import Client
from django.utils import timezone

from clients import token_cache
from clients.api_auth import TokenAuthentication
from clients.models import ApiToken, User, api_token_hash
from clients.services import api_token_create, api_token_revoke
from itsm.tenancy import Role
from tests import factories as f

pytestmark = pytest.mark.django_db

TICKETS_URL = "/api/v1/tickets/"


@pytest.fixture(autouse=True)
def _empty_cache():
    token_cache.forget_all()
    yield
    token_cache.forget_all()


@pytest.fixture
def later(monkeypatch):
    """Move this process's clock for the cache SECONDS on (what another worker lives through)."""

    def move():
        now = token_cache.time.monotonic() + token_cache.SECONDS
        monkeypatch.setattr(token_cache.time, "monotonic", lambda: now)

    return move


def api_get(key):
    return Client().get(TICKETS_URL, HTTP_AUTHORIZATION=f"Token {key}")


def file_ticket(key, subject):
    body = json.dumps({"subject": subject, "description": "d"})
    return Client().post(
        TICKETS_URL, body, content_type="application/json", HTTP_AUTHORIZATION=f"Token {key}"
    )


def test_a_warm_token_costs_no_query(user_a1, django_assert_num_queries):
    _token, key = api_token_create(actor=user_a1, name="script")
    authenticate = TokenAuthentication().authenticate_credentials
    assert authenticate(key)[0].pk == user_a1.pk  # loads it (and records the use)
    with django_assert_num_queries(0):
        user, token = authenticate(key)
    assert (user.pk, user.client.pk, user.site.pk) == (
        user_a1.pk,
        user_a1.client_id,
        user_a1.site_id,
    )


def test_each_token_yields_its_own_person(user_a1, user_b1):
    _ta, key_a = api_token_create(actor=user_a1, name="a")
    _tb, key_b = api_token_create(actor=user_b1, name="b")
    for round_ in range(3):
        a = file_ticket(key_a, f"a{round_}").json()
        b = file_ticket(key_b, f"b{round_}").json()
        assert (a["requester"], a["client"]) == (user_a1.username, user_a1.client.code)
        assert (b["requester"], b["client"]) == (user_b1.username, user_b1.client.code)
    seen_by_a = {row["subject"] for row in api_get(key_a).json()["results"]}
    assert seen_by_a == {"a0", "a1", "a2"}


def test_what_one_request_sets_on_its_person_stays_in_that_request(user_a1):
    _token, key = api_token_create(actor=user_a1, name="script")
    authenticate = TokenAuthentication().authenticate_credentials
    authenticate(key)  # loaded and kept
    for _request in range(2):
        person, _ = authenticate(key)  # from this process's copy
        assert person.first_name == user_a1.first_name
        assert not hasattr(person, "_served_client_ids")
        assert person.client.name == user_a1.client.name
        assert person.site.name == user_a1.site.name
        person.first_name = "changed by a request"
        person._served_client_ids = [999]
        person.client.name = "changed too"
        person.site.name = "and this"


def test_revoking_counts_at_once_in_this_process(user_a1):
    token, key = api_token_create(actor=user_a1, name="script")
    assert api_get(key).status_code == 200
    api_token_revoke(actor=user_a1, token=token)
    assert api_get(key).status_code == 401


def test_a_change_made_elsewhere_counts_within_seconds(user_a1, later):
    """Another process's change sends no signal here: this process's copy expires instead."""
    _token, key = api_token_create(actor=user_a1, name="script")
    assert api_get(key).status_code == 200
    ApiToken.objects.filter(key_hash=api_token_hash(key)).update(revoked_at=timezone.now())
    assert api_get(key).status_code == 200  # this process's copy, for at most SECONDS
    later()
    assert api_get(key).status_code == 401


@pytest.mark.parametrize("change", ["person deactivated", "client suspended"])
def test_people_and_clients_changed_elsewhere_count_within_seconds(user_a1, later, change):
    _token, key = api_token_create(actor=user_a1, name="script")
    assert api_get(key).status_code == 200
    if change == "person deactivated":
        User.objects.filter(pk=user_a1.pk).update(is_active=False)
    else:
        type(user_a1.client).objects.filter(pk=user_a1.client_id).update(
            status=user_a1.client.Status.SUSPENDED
        )
    later()
    assert api_get(key).status_code == 401


def test_saving_a_person_here_drops_the_copies(user_a1):
    _token, key = api_token_create(actor=user_a1, name="script")
    assert api_get(key).status_code == 200
    user_a1.is_active = False
    user_a1.save(update_fields=["is_active"])
    assert api_get(key).status_code == 401


def test_the_two_factor_rule_is_checked_on_every_request(agent_a, settings):
    _token, key = api_token_create(actor=agent_a, name="script")
    assert api_get(key).status_code == 200
    settings.MFA_REQUIRED_FOR_STAFF = True
    assert api_get(key).status_code == 401


def test_a_token_read_before_a_change_is_not_kept(user_a1):
    _token, key = api_token_create(actor=user_a1, name="script")
    key_hash = api_token_hash(key)
    read_in = token_cache.generation()
    token = ApiToken.objects.select_related("user", "user__client", "user__site").get(
        key_hash=key_hash
    )
    token_cache.forget_all()  # another thread of this process saved a change meanwhile
    token_cache.token_put(key_hash, token, read_in)
    assert token_cache.token_get(key_hash) is None


def test_the_cache_holds_a_bounded_number_of_tokens(client_a, site_a, monkeypatch):
    monkeypatch.setattr(token_cache, "MAX_ENTRIES", 3)
    people = [
        f.make_user(role=Role.END_USER, client=client_a, site=site_a, username=f"p{n}")
        for n in range(5)
    ]
    keys = [api_token_create(actor=person, name="s")[1] for person in people]
    for key in keys:
        assert api_get(key).status_code == 200
    assert len(token_cache._entries) == 3
    assert token_cache.token_get(api_token_hash(keys[0])) is None
    assert token_cache.token_get(api_token_hash(keys[-1])) is not None
