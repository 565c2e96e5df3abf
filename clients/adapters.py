"""django-allauth adapter: no open sign-up; suspended clients are told why at sign-in."""

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import translation

from itsm.client_ip import client_ip

from .language import language_cookie_set


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        # People join by invitation only (clients.views.InvitationAcceptView).
        return False

    def pre_login(self, request, user, **kwargs):
        reason = user.access_blocked_reason()
        if reason:
            return render(request, "account/suspended.html", {"reason": reason}, status=403)
        return super().pre_login(request, user, **kwargs)

    def post_login(self, request, user, **kwargs):
        # The person's stored language applies from sign-in on: allauth's "signed in" message
        # is rendered in it and the cookie makes every following page agree.
        language = user.language or settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = super().post_login(request, user, **kwargs)
        return language_cookie_set(response, language)

    def get_client_ip(self, request) -> str:
        # The lock-out and the session list read the same address as the audit log; allauth's
        # own reading would answer a 500 (ImproperlyConfigured) to a request with a short chain.
        ip = client_ip(request)
        if not ip:
            raise PermissionDenied("Unable to determine client IP address")
        return ip
