"""Where a dashboard row's ticket opens: the staff workspace or the client manager's detail."""

from django.urls import reverse

from itsm.tenancy import is_staff_side


def ticket_link(user, ticket_id: int) -> str:
    if is_staff_side(user):
        return reverse("tickets:ticket-workspace", args=[ticket_id])
    return reverse("tickets:ticket-client-detail", args=[ticket_id])
