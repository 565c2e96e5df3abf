"""The staff two-factor rule, in one place for pages, the session API, tokens and token pages.

Provider staff who enrolled TOTP, or who must enrol it (MFA_REQUIRED_FOR_STAFF), reach the API
only with their second factor: a TOTP code at the token endpoint, or a personal access token
created on a page their two-factor-verified session opened.
"""

from django.conf import settings


def has_totp(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


def must_enrol(user) -> bool:
    """Staff who must enrol TOTP and have not yet: they may do nothing but enrol."""
    if not settings.MFA_REQUIRED_FOR_STAFF or not user.is_provider_staff:
        return False
    return not has_totp(user)


def needs_second_factor(user) -> bool:
    """Staff whose sign-in takes a second factor (enrolled, or obliged to enrol)."""
    if not user.is_provider_staff:
        return False
    return settings.MFA_REQUIRED_FOR_STAFF or has_totp(user)


def session_passed_second_factor(request) -> bool:
    """The signed-in session showed a TOTP or recovery code, at sign-in or since.

    allauth records each step of a session's authentication; a code entered when enrolling
    TOTP in this session counts too (the enrolment form checks one).
    """
    from allauth.account.authentication import get_authentication_records
    from allauth.mfa.models import Authenticator

    user = request.user
    records = get_authentication_records(request, user)
    if any(record.get("method") == "mfa" for record in records):
        return True
    signed_in_at = min((record.get("at", 0) for record in records), default=None)
    if signed_in_at is None:
        return False
    enrolled = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    return enrolled is not None and enrolled.created_at.timestamp() >= signed_in_at


def code_is_valid(request, user, code: str) -> bool:
    """Check a TOTP (or recovery) code with allauth's own form, rate limit included.

    Raises django.forms.ValidationError with code "too_many_login_attempts" when allauth's
    per-user limit on wrong codes is reached (the same counter the web's code page uses).
    """
    from allauth.mfa.base.forms import AuthenticateForm

    form = AuthenticateForm(data={"code": code}, user=user)
    if not form.is_valid():
        errors = form.errors.as_data().get("code", [])
        if any(error.code == "too_many_login_attempts" for error in errors):
            raise errors[0]
        return False
    form.authenticator.record_usage()
    return True
