"""Tenant-scoped querysets for tickets and what hangs off them."""

from django.db.models import Q

from itsm.tenancy import TenantQuerySet, is_provider_staff

OPEN_STATUSES = ("new", "assigned", "in_progress", "waiting", "reopened")


def end_user_ticket_filter(user, prefix: str = "") -> Q:
    """An end user sees their own tickets; a site lead those of their site too."""
    own = Q(**{f"{prefix}requester_id": user.pk})
    if user.is_site_lead and user.site_id:
        return own | Q(**{f"{prefix}site_id": user.site_id})
    return own


class TicketQuerySet(TenantQuerySet):
    def for_end_user(self, user):
        return self.filter(end_user_ticket_filter(user))

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)


class TicketRowQuerySet(TenantQuerySet):
    """Rows hanging off a ticket: visible with their ticket."""

    def for_end_user(self, user):
        return self.filter(end_user_ticket_filter(user, prefix="ticket__"))


class TicketChildQuerySet(TicketRowQuerySet):
    """Events and attachments: internal ones (notes) only to provider staff."""

    def visible_to(self, user):
        rows = super().visible_to(user)
        if user is not None and user.is_authenticated and not is_provider_staff(user):
            rows = rows.filter(is_internal=False)
        return rows


class StaffOnlyTicketRowQuerySet(TicketRowQuerySet):
    """Provider-side records about a ticket (time spent): never shown to the client's people."""

    def visible_to(self, user):
        rows = super().visible_to(user)
        if user is not None and user.is_authenticated and not is_provider_staff(user):
            return rows.none()
        return rows
