"""API sign-in and token authentication.

Sign-in goes through allauth's own login form, so a wrong password here and on the web page
count against one lock-out counter (allauth's `login_failed` rate limit, keyed by the login
name and the client address): once either door is locked, both are.
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions

from . import token_cache, twofactor
from .models import ApiToken, User, api_token_hash

# last_used_at is written at most this often per token: a busy script costs no write per call.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def locked_out() -> exceptions.Throttled:
    return exceptions.Throttled(
        detail=_(
            "Too many failed sign-in attempts for this account or address. "
            "Wait a few minutes and try again."
        )
    )


def api_sign_in(*, request, login: str, password: str, code: str = "") -> User:
    """The person `login` and `password` (and, for staff with two factors, `code`) name.

    Raises Throttled when the shared lock-out applies, ValidationError for wrong credentials,
    PermissionDenied when the person may not have a token this way.
    """
    from allauth.account.forms import LoginForm

    form = LoginForm(data={"login": login, "password": password}, request=request)
    if not form.is_valid():
        errors = form.non_field_errors().as_data()
        if any(error.code == "too_many_login_attempts" for error in errors):
            raise locked_out()
        raise exceptions.ValidationError(
            {"non_field_errors": form.non_field_errors() or form.errors.get("login", [])}
        )
    user = form.user
    reason = user.access_blocked_reason()
    if reason:
        raise exceptions.PermissionDenied(reason)
    if twofactor.must_enrol(user):
        raise exceptions.PermissionDenied(
            _(
                "Staff must enrol two-factor authentication first: sign in on the web page "
                "and set up an authenticator app."
            )
        )
    if twofactor.needs_second_factor(user):
        if not code:
            raise exceptions.PermissionDenied(
                _(
                    "Staff need their two-factor code: send the current code from the "
                    "authenticator app as “code”, or create a personal access token on the "
                    "API tokens page."
                )
            )
        try:
            valid = twofactor.code_is_valid(request, user, code)
        except ValidationError:
            raise locked_out() from None
        if not valid:
            raise exceptions.PermissionDenied(_("The two-factor code is not correct."))
    return user


class TokenAuthentication(authentication.TokenAuthentication):
    """`Authorization: Token <key>` with a personal access token (clients.ApiToken)."""

    model = ApiToken

    def authenticate_credentials(self, key):
        key_hash = api_token_hash(key)
        token = token_cache.token_get(key_hash)
        if token is None:
            read_in = token_cache.generation()
            try:
                # The site too: filing a ticket (the API's busiest write) needs the requester's.
                token = ApiToken.objects.select_related("user", "user__client", "user__site").get(
                    key_hash=key_hash
                )
            except ApiToken.DoesNotExist:
                token = None
            else:
                token_cache.token_put(key_hash, token, read_in)
        if token is None or token.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("Invalid or revoked token."))
        user = token.user
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("This account is deactivated."))
        reason = user.access_blocked_reason()
        if reason:
            raise exceptions.AuthenticationFailed(reason)
        if twofactor.must_enrol(user):
            raise exceptions.AuthenticationFailed(
                _("Staff must enrol two-factor authentication before using the API.")
            )
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
            token.last_used_at = now
            token_cache.token_used(key_hash, now)
        return user, token
