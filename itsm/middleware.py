"""Refuse an oversized request from its Content-Length, before a byte of its body is read."""

from django.conf import settings

from .errors import request_too_large


def request_max_bytes() -> int:
    """The most a request may carry: every attachment at its limit plus the form fields."""
    return (
        settings.ATTACHMENT_MAX_BYTES * settings.ATTACHMENT_MAX_FILES
        + settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    )


class RequestSizeLimitMiddleware:
    """Django's upload limits only act while the body is parsed, that is after it arrived;
    a 60 MB upload used to be received in full before its refusal."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = request_max_bytes()
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django's own request reader treats a malformed length as no body
        if length > limit:
            return request_too_large(request, limit=limit)
        return self.get_response(request)
