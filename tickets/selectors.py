"""Reads of tickets, always through visible_to(user)."""

from django.db.models import Q

from .models import Ticket, TicketEvent


def ticket_list_for(*, user, filters: dict | None = None):
    """Tickets the user may see, filtered; ordering is the caller's (queue vs my tickets)."""
    filters = filters or {}
    rows = Ticket.objects.visible_to(user)
    if filters.get("status") == "all":
        pass
    elif filters.get("status") == "open":
        rows = rows.open()
    elif filters.get("status"):
        rows = rows.filter(status=filters["status"])
    for key in ("client", "site", "priority", "assignee", "team", "category"):
        if filters.get(key):
            rows = rows.filter(**{f"{key}_id" if key != "priority" else key: filters[key]})
    if filters.get("mine"):
        rows = rows.filter(assignee_id=user.pk)
    if filters.get("unassigned"):
        rows = rows.filter(assignee__isnull=True)
    if q := (filters.get("q") or "").strip():
        rows = rows.filter(
            Q(reference__iexact=q)
            | Q(subject__icontains=q)
            | Q(requester__username__iexact=q)
            | Q(requester__last_name__iexact=q)
        )
    return rows


def ticket_get_for(*, user, ticket_id: int) -> Ticket:
    """The ticket if the user may see it; another tenant's id and a missing id both 404."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(
        Ticket.objects.visible_to(user).select_related(
            "client", "site", "requester", "assignee", "team", "category"
        ),
        pk=ticket_id,
    )


def ticket_events_for(*, user, ticket: Ticket):
    """The ticket's timeline as `user` may see it (no internal notes for client-side people)."""
    return (
        TicketEvent.objects.visible_to(user)
        .filter(ticket=ticket)
        .select_related("actor")
        .order_by("created_at", "id")
    )
