"""Listeners to tickets and sla signals; all run inside the transaction of the change."""

from tickets.models import Status

from . import services
from .models import Kind


def ticket_changed(sender, *, ticket, actor, change, now, **kwargs) -> None:
    if change == "created":
        services.notify_new_ticket(actor=actor, ticket=ticket, now=now)
    elif change == "reply" and actor is not None and not actor.is_provider_staff:
        services.notify_requester_activity(actor=actor, kind=Kind.REPLY, ticket=ticket, now=now)
    elif change == "status" and ticket.status == Status.REOPENED:
        services.notify_requester_activity(actor=actor, kind=Kind.REOPENED, ticket=ticket, now=now)


def ticket_assigned(sender, *, ticket, actor, now, **kwargs) -> None:
    services.notify_assigned(actor=actor, ticket=ticket, now=now)


def clocks_warned(sender, *, clocks, now, **kwargs) -> None:
    services.notify_sla_warnings(clocks=clocks, now=now)
