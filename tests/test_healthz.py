"""/healthz reports database, broker and heartbeat; 503 names the failing part."""

from datetime import timedelta

import pytest
from django.utils import timezone

from itsm import health
from itsm.models import Heartbeat
from itsm.tasks import heartbeat

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker_ok(monkeypatch):
    monkeypatch.setattr(health, "check_broker", lambda: {"ok": True, "transport": "test"})
    monkeypatch.setitem(health.CHECKS, "broker", health.check_broker)


def test_healthy_after_a_heartbeat(client, broker_ok):
    heartbeat()
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["failing"] == []
    assert body["database"]["ok"] and body["heartbeat"]["age_seconds"] <= 5


def test_stale_heartbeat_is_unhealthy(client, broker_ok):
    Heartbeat.objects.create(name="beat", beat_at=timezone.now() - timedelta(minutes=10))
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["heartbeat"]
    assert "worker or beat stopped" in response.json()["heartbeat"]["error"]


def test_no_heartbeat_yet_is_unhealthy(client, broker_ok):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert "no heartbeat" in response.json()["heartbeat"]["error"]


def test_unreachable_broker_is_named(client, monkeypatch):
    def broken():
        raise ConnectionRefusedError("broker at redis://127.0.0.1:1 refused")

    monkeypatch.setitem(health.CHECKS, "broker", broken)
    heartbeat()
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["broker"]
    assert "refused" in body["broker"]["error"]


def test_real_broker_check_passes_on_the_configured_transport():
    # Embedded filesystem broker locally, Redis in CI: both must answer.
    assert health.check_broker()["ok"]


def test_failure_messages_hide_credentials(client, monkeypatch):
    def broken():
        raise ConnectionRefusedError("cannot reach redis://:s3cret@10.0.0.5:6379/0")

    monkeypatch.setitem(health.CHECKS, "broker", broken)
    heartbeat()
    error = client.get("/healthz").json()["broker"]["error"]
    assert "s3cret" not in error and "redis://***@10.0.0.5" in error
