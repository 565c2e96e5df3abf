"""Per-request access policy: suspended clients, mandatory staff 2FA, preferred language."""

from django.conf import settings
from django.contrib.auth import logout
from django.shortcuts import redirect, render
from django.utils import translation

OPEN_PREFIXES = ("/static/", "/healthz", "/i18n/")


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
            reason = user.access_blocked_reason()
            if reason:
                logout(request)
                return render(request, "account/suspended.html", {"reason": reason}, status=403)
            if self._needs_mfa_enrolment(request, user):
                return redirect("mfa_activate_totp")
            self._activate_language(request, user)
        return self.get_response(request)

    @staticmethod
    def _needs_mfa_enrolment(request, user) -> bool:
        if not settings.MFA_REQUIRED_FOR_STAFF or not user.is_provider_staff:
            return False
        if request.path.startswith(("/accounts/", "/api/")):
            return False
        from allauth.mfa.models import Authenticator

        return not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()

    @staticmethod
    def _activate_language(request, user) -> None:
        # An explicit choice in the switcher (cookie) wins over the profile preference.
        if settings.LANGUAGE_COOKIE_NAME not in request.COOKIES and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
