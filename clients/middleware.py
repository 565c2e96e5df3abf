"""Per-request access policy: suspended clients, mandatory staff 2FA, preferred language."""

from django.conf import settings
from django.contrib.auth import logout
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from . import twofactor

OPEN_PREFIXES = ("/static/", "/healthz", "/i18n/")
MFA_ENROL_FIRST = gettext_noop(
    "Staff must enrol two-factor authentication before using the API: sign in on the web "
    "page and set up an authenticator app."
)


class AccessPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(OPEN_PREFIXES)
        ):
            is_api = request.path.startswith("/api/")
            self._activate_language(request, user)
            reason = user.access_blocked_reason()
            if reason:
                logout(request)
                if is_api:
                    return JsonResponse({"detail": reason}, status=403)
                return render(request, "account/suspended.html", {"reason": reason}, status=403)
            # The session API obeys the pages' rule; only the enrolment pages stay open.
            if not request.path.startswith("/accounts/") and twofactor.must_enrol(user):
                if is_api:
                    return JsonResponse({"detail": _(MFA_ENROL_FIRST)}, status=403)
                return redirect("mfa_activate_totp")
        return self.get_response(request)

    @staticmethod
    def _activate_language(request, user) -> None:
        # An explicit choice in the switcher (cookie) wins over the profile preference.
        if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
