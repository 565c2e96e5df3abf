"""Error answers: pages for people, JSON under /api/ (an API client never parses an HTML page)."""

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
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


def server_error(request):
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
