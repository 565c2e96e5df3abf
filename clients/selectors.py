"""Reads of the clients app."""

from .models import Invitation


def invitation_get_usable(*, token: str) -> Invitation | None:
    """The invitation a secret link names, if it can still be used (the token is the credential)."""
    invitation = Invitation.objects.select_related("client").filter(token=token).first()
    return invitation if invitation and invitation.is_usable() else None
