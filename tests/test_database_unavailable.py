"""While the database cannot be reached, pages answer a static 503 page and the API JSON 503
(not a 500 traceback page); a bug still answers 500."""

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import InterfaceError, OperationalError

pytestmark = pytest.mark.django_db


def failing(exc):
    def fail(*args, **kwargs):
        raise exc

    return fail


@pytest.fixture
def signed_in(client, user_a1):
    client.force_login(user_a1)
    client.raise_request_exception = False
    return client


@pytest.mark.parametrize(
    "exc", [OperationalError("connection refused"), InterfaceError("connection already closed")]
)
def test_page_answers_503_while_the_database_is_down(monkeypatch, signed_in, exc):
    monkeypatch.setattr(SessionStore, "load", failing(exc))
    response = signed_in.get("/portal/tickets/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    text = response.content.decode()
    assert "Briefly unavailable" in text and "暂时无法服务" in text
    assert "connection refused" not in text


def test_api_answers_json_503_while_the_database_is_down(monkeypatch, signed_in):
    monkeypatch.setattr(SessionStore, "load", failing(OperationalError("the database is starting")))
    response = signed_in.get("/api/v1/tickets/")
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response.json()["code"] == "unavailable"
    assert "try again" in response.json()["detail"]


def test_a_bug_is_still_a_500(monkeypatch, signed_in):
    monkeypatch.setattr(SessionStore, "load", failing(ValueError("a bug")))
    assert signed_in.get("/portal/tickets/").status_code == 500
    response = signed_in.get("/api/v1/tickets/")
    assert response.status_code == 500 and "detail" in response.json()
