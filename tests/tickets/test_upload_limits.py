"""Oversized uploads are refused from their Content-Length, before the body is read."""

import io

import pytest
from django.test import RequestFactory

from itsm.middleware import RequestSizeLimitMiddleware, request_max_bytes

pytestmark = pytest.mark.django_db


class UnreadableBody(io.BytesIO):
    """A request body that fails the test if anyone reads it."""

    def read(self, *args, **kwargs):
        raise AssertionError("the body of an oversized request was read")

    readline = read


def huge_post(path: str, length: int):
    request = RequestFactory().post(path, data=b"", content_type="multipart/form-data; boundary=x")
    request.META["CONTENT_LENGTH"] = str(length)
    request.META["wsgi.input"] = UnreadableBody()
    request._stream = UnreadableBody()
    return request


def never_called(request):
    raise AssertionError("the view ran for an oversized request")


@pytest.mark.parametrize(
    ("path", "json"), [("/portal/tickets/new/", False), ("/api/v1/tickets/1/attachments/", True)]
)
def test_oversized_request_is_refused_with_413_unread(settings, path, json):
    settings.LANGUAGE_CODE = "en"
    response = RequestSizeLimitMiddleware(never_called)(huge_post(path, 60 * 1024 * 1024))
    assert response.status_code == 413
    body = response.content.decode()
    assert "at most 58 MB can be sent at once" in body and "Nothing was saved" in body
    assert response["Content-Type"].startswith("application/json" if json else "text/html")


def test_limit_follows_the_attachment_settings(settings):
    settings.ATTACHMENT_MAX_BYTES = 1000
    settings.ATTACHMENT_MAX_FILES = 3
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 500
    assert request_max_bytes() == 3500


def test_request_within_the_limit_reaches_the_view(settings):
    seen = []
    RequestSizeLimitMiddleware(seen.append)(huge_post("/portal/tickets/new/", request_max_bytes()))
    assert len(seen) == 1


def test_full_stack_refuses_before_the_view(client, user_a1, ticket_a1):
    client.force_login(user_a1)
    response = client.generic(
        "POST",
        f"/portal/tickets/{ticket_a1.pk}/",
        b"x" * 10,
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(request_max_bytes() + 1),
    )
    assert response.status_code == 413
    assert "Too much to upload at once" in response.content.decode()
    assert ticket_a1.events.count() == 1


def test_upload_limits_are_set():
    from django.conf import settings

    assert settings.DATA_UPLOAD_MAX_NUMBER_FILES == settings.ATTACHMENT_MAX_FILES
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE <= settings.ATTACHMENT_MAX_BYTES
