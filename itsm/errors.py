"""Error answers: pages for people, JSON under /api/ (an API client never parses an HTML page)."""

import sys

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.translation import gettext as _
from django.views import defaults

API_PREFIX = "/api/"


def is_api(request) -> bool:
    return request.path.startswith(API_PREFIX)


def bad_request(request, exception=None):
    if is_api(request):
        return JsonResponse({"detail": _("The request could not be read.")}, status=400)
    # Django's own 400 renders its template without the request: no language, no menu. A
    # malformed request (e.g. a sign-in redirect over 16 KB) gets the site's page with a reason.
    return render(request, "400.html", status=400)


def permission_denied(request, exception=None):
    if is_api(request):
        detail = str(exception or "") or _("You do not have permission to do that.")
        return JsonResponse({"detail": detail}, status=403)
    return defaults.permission_denied(request, exception)


def page_not_found(request, exception=None):
    if is_api(request):
        return JsonResponse({"detail": _("Not found.")}, status=404)
    return defaults.page_not_found(request, exception)


# Seconds a client is asked to wait while the database is unreachable (restart, fail-over).
RETRY_AFTER_SECONDS = 30


def database_unavailable() -> bool:
    """The exception being handled says the database cannot be reached (not a bug of ours)."""
    return isinstance(sys.exc_info()[1], OperationalError | InterfaceError)


def service_unavailable(request):
    """503 while the database is down: a transaction that failed was rolled back, so nothing is
    half-saved, and the page is static (rendering the site's layout would query the database)."""
    if is_api(request):
        response = JsonResponse(
            {
                "detail": _(
                    "The service is briefly unavailable (its database cannot be reached). "
                    "Nothing was saved by this request; try again in a minute."
                ),
                "code": "unavailable",
            },
            status=503,
        )
    else:
        response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def server_error(request):
    # Django calls this inside its exception handler, so the exception is still at hand.
    if database_unavailable():
        return service_unavailable(request)
    if is_api(request):
        return JsonResponse(
            {"detail": _("The server failed to handle the request and logged it.")}, status=500
        )
    return defaults.server_error(request)


def request_too_large(request, *, limit: int):
    message = _(
        "The request is %(size).0f MB; at most %(limit).0f MB can be sent at once "
        "(%(files)d files of up to %(file_limit).0f MB each). Nothing was saved."
    ) % {
        "size": int(request.META.get("CONTENT_LENGTH") or 0) / 1e6,
        "limit": limit / 1e6,
        "files": settings.ATTACHMENT_MAX_FILES,
        "file_limit": settings.ATTACHMENT_MAX_BYTES / 1e6,
    }
    if is_api(request):
        return JsonResponse({"detail": message, "code": "too_large"}, status=413)
    return render(request, "413.html", {"message": message}, status=413)
