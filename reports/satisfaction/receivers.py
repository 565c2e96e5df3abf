"""Listeners on tickets' signals: offer a rating at each resolution; react to each rating."""

from tickets.models import Status

from .csat import csat_request_answered, csat_request_open
from .recovery import follow_up_open


def ticket_changed_receiver(sender, *, ticket, actor, change, now, **kwargs) -> None:
    if change == "status" and ticket.status == Status.RESOLVED:
        csat_request_open(ticket=ticket, now=now)


def ticket_rated_receiver(sender, *, rating, ticket, actor, now, **kwargs) -> None:
    csat_request_answered(rating=rating, now=now)
    follow_up_open(rating=rating, now=now)
