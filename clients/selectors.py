"""Reads of the clients app."""

from django.db.models import QuerySet
from django.http import Http404

from .models import ApiToken, Invitation, User


def invitation_get_usable(*, token: str) -> Invitation | None:
    """The invitation a secret link names, if it can still be used (the token is the credential)."""
    invitation = Invitation.objects.select_related("client").filter(token=token).first()
    return invitation if invitation and invitation.is_usable() else None


def api_token_list_for(*, user: User) -> QuerySet[ApiToken]:
    """The person's own tokens, newest first (admins see others' in the admin site only)."""
    return ApiToken.objects.owned_by(user).order_by("-created_at", "-pk")


def api_token_get_for(*, user: User, token_id: int) -> ApiToken:
    """One of the person's own tokens; anyone else's, or none, is the same 404."""
    # Ids beyond a 64-bit integer overflow the database driver; no row has one.
    if not 0 < token_id < 2**63:
        raise Http404
    token = ApiToken.objects.owned_by(user).filter(pk=token_id).first()
    if token is None:
        raise Http404
    return token
