"""Sign-in keeps working while the Redis cache is unreachable (issue 7 item 14)."""

import pytest
from django.urls import reverse

from itsm import cache as fallback_cache
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

# Nothing listens on port 1: every connection is refused at once.
DEAD_REDIS = "redis://127.0.0.1:1/0"


@pytest.fixture
def redis_down(settings):
    fallback_cache.reset()
    settings.CACHES = {
        "default": {"BACKEND": "itsm.cache.FallbackRedisCache", "LOCATION": DEAD_REDIS}
    }
    yield
    from django.core.cache import cache

    cache.clear()
    fallback_cache.reset()


def test_web_sign_in_works_without_redis(redis_down, client, user_a1):
    response = client.post(reverse("account_login"), {"login": "user_a1", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user_a1.pk)


def test_api_token_works_without_redis(redis_down, client, user_a1):
    response = client.post(
        "/api/v1/auth/token/",
        {"username": "user_a1", "password": PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["token"]


def test_lock_out_still_holds_per_process_without_redis(redis_down, client, user_a1):
    for _ in range(5):
        client.post(reverse("account_login"), {"login": "user_a1", "password": "wrong"})
    response = client.post(reverse("account_login"), {"login": "user_a1", "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert "Too many" in response.content.decode()


def test_an_outage_is_not_retried_on_every_call(redis_down, monkeypatch):
    from django.core.cache import cache
    from django.core.cache.backends.redis import RedisCache

    attempts = []
    real_get = RedisCache.get

    def counting_get(self, *args, **kwargs):
        attempts.append(1)
        return real_get(self, *args, **kwargs)

    monkeypatch.setattr(RedisCache, "get", counting_get)
    cache.set("k", "v")
    assert [cache.get("k") for _ in range(5)] == ["v"] * 5
    assert attempts == []  # the failed set opened the 30-second window
    fallback_cache.reset()
    assert cache.get("k") == "v"
    assert attempts == [1]


def test_settings_wire_the_fallback_when_redis_url_is_set():
    """With the real settings and REDIS_URL pointing nowhere, the cache still answers."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    script = (
        "import django; django.setup()\n"
        "from django.core.cache import cache\n"
        "cache.set('k', 'v'); print(cache.get('k'))\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=Path(__file__).resolve().parents[2],
        env={**env, "DJANGO_SETTINGS_MODULE": "itsm.settings", "REDIS_URL": DEAD_REDIS},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "v"
