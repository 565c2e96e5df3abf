"""Reads of the email channel, always through visible_to(user)."""

from django.http import Http404

from clients.models import User
from itsm.tenancy import CLIENT_SIDE_ROLES

from .models import InboundEmail

LIST_STATUSES = {"all", *InboundEmail.Status.values}


def inbound_list_for(*, user, status: str | None):
    """Newest first; the triage queue by default. The raw bytes are not loaded for a list."""
    rows = InboundEmail.objects.visible_to(user).select_related("client", "ticket")
    rows = rows.defer("raw", "text")
    status = status if status in LIST_STATUSES else "triage"
    return rows if status == "all" else rows.filter(status=status)


def inbound_get_for(*, user, inbound_id: int) -> InboundEmail:
    try:
        return (
            InboundEmail.objects.visible_to(user)
            .select_related("client", "ticket", "handled_by")
            .get(pk=inbound_id)
        )
    except InboundEmail.DoesNotExist:
        raise Http404 from None


def requester_find(*, user, address: str) -> User | None:
    """A client-side person the user may file for, by email address or username."""
    address = address.strip()
    if not address:
        return None
    people = User.objects.visible_to(user).filter(role__in=CLIENT_SIDE_ROLES, is_active=True)
    field = "email__iexact" if "@" in address else "username"
    return people.select_related("client").filter(**{field: address}).first()
