"""Ticket emails, written in the recipient's language and sent through the outbox after commit."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from itsm.links import absolute_reverse
from itsm.outbox import email_enqueue


def _link(person, ticket) -> str:
    name = "tickets:ticket-workspace" if person.is_provider_staff else "portal:ticket-detail"
    if person.role == "client_manager":
        name = "tickets:ticket-client-detail"
    return absolute_reverse(name, args=[ticket.pk])


def _send(person, ticket, template: str, **context) -> None:
    if person is None or not person.email or not person.is_active:
        return
    with translation.override(person.language or settings.LANGUAGE_CODE):
        text = render_to_string(
            f"tickets/email/{template}.txt",
            {"ticket": ticket, "person": person, "link": _link(person, ticket), **context},
        )
        subject, _, body = text.strip().partition("\n")
        email_enqueue(to=person.email, subject=subject.strip(), body=body.strip())


def ticket_created(ticket) -> None:
    _send(ticket.requester, ticket, "created")


def ticket_assigned(ticket) -> None:
    _send(ticket.assignee, ticket, "assigned")


def ticket_replied(ticket, event) -> None:
    """To the other side: staff replies go to the requester, requester replies to the assignee."""
    if event.actor is not None and event.actor.is_provider_staff:
        _send(ticket.requester, ticket, "replied", event=event)
    else:
        _send(ticket.assignee, ticket, "replied", event=event)


def ticket_resolved(ticket) -> None:
    _send(ticket.requester, ticket, "resolved", rate_link=_link(ticket.requester, ticket) + "#rate")
