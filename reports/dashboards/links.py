"""Where a dashboard row's ticket opens: the staff workspace or the client manager's detail."""

from django.urls import reverse

from itsm.tenancy import is_provider_staff


def ticket_link(user, ticket_id: int) -> str:
    if is_provider_staff(user):
        return reverse("tickets:ticket-workspace", args=[ticket_id])
    return reverse("tickets:ticket-client-detail", args=[ticket_id])
