"""django-allauth adapter: no open sign-up; suspended clients are told why at sign-in."""

from allauth.account.adapter import DefaultAccountAdapter
from django.shortcuts import render


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request) -> bool:
        # People join by invitation only (clients.views.InvitationAcceptView).
        return False

    def pre_login(self, request, user, **kwargs):
        reason = user.access_blocked_reason()
        if reason:
            return render(request, "account/suspended.html", {"reason": reason}, status=403)
        return super().pre_login(request, user, **kwargs)
