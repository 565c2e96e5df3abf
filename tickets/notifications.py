"""Ticket emails, written in the recipient's language and sent through the outbox after commit."""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from clients.models import User
from itsm.links import absolute_reverse
from itsm.outbox import email_enqueue, email_enqueue_rendered_later, mail_domain

from .models import Ticket

CREATED = "tickets/email/created.txt"


def _link(person, ticket) -> str:
    name = "tickets:ticket-workspace" if person.is_provider_staff else "portal:ticket-detail"
    if person.role == "client_manager":
        name = "tickets:ticket-client-detail"
    return absolute_reverse(name, args=[ticket.pk])


def thread_root(ticket) -> str:
    """The Message-ID every mail about `ticket` refers to, so mail clients group them."""
    return f"<ticket-{ticket.pk}@{mail_domain()}>"


def thread_headers(ticket) -> dict[str, str]:
    root = thread_root(ticket)
    headers = {"In-Reply-To": root, "References": root}
    if settings.SERVICE_MAILBOX:  # replies by mail come back to the intake mailbox
        headers["Reply-To"] = settings.SERVICE_MAILBOX
    return headers


def _send(person, ticket, template: str, **context) -> None:
    if person is None or not person.email or not person.is_active:
        return
    with translation.override(person.language or settings.LANGUAGE_CODE):
        text = render_to_string(
            f"tickets/email/{template}.txt",
            {"ticket": ticket, "person": person, "link": _link(person, ticket), **context},
        )
        subject, _, body = text.strip().partition("\n")
        email_enqueue(
            to=person.email,
            subject=subject.strip(),
            body=body.strip(),
            headers=thread_headers(ticket),
        )


def ticket_created(ticket) -> None:
    """Stored with ids and rendered by the sender: filing a ticket pays for no template."""
    person = ticket.requester
    if person is None or not person.email or not person.is_active:
        return
    email_enqueue_rendered_later(
        [(person.email, CREATED, {"ticket": ticket.pk, "person": person.pk}, person.language)],
        headers=thread_headers(ticket),
    )


def created_email_context(ids: dict) -> dict:
    """The confirmation's context, read when it is sent (outbox RENDERERS)."""
    ticket = Ticket.objects.get(pk=ids["ticket"])
    person = User.objects.get(pk=ids["person"])
    return {"ticket": ticket, "person": person, "link": _link(person, ticket)}


def ticket_replied(ticket, event) -> None:
    """Staff replies go to the requester. The provider side hears of requester replies through
    the notifications app (ticket_changed), by email only if the person chose so."""
    if event.actor is not None and event.actor.is_provider_staff:
        _send(ticket.requester, ticket, "replied", event=event)


def ticket_resolved(ticket) -> None:
    _send(ticket.requester, ticket, "resolved", rate_link=_link(ticket.requester, ticket) + "#rate")
