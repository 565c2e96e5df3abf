"""Shared steps of the satisfaction tests."""

import re

from itsm.models import OutboundEmail
from reports.satisfaction.models import CsatRequest
from tickets import services
from tickets.models import Status

LINK = re.compile(r"(/satisfaction/rate/\d+/(\d)/[^/\s]+/)")


def resolve(ticket, agent, now=None):
    return services.ticket_change_status(
        actor=agent, ticket=ticket, status=Status.RESOLVED, now=now
    )


def reopen(ticket, user, now=None):
    return services.ticket_change_status(actor=user, ticket=ticket, status=Status.REOPENED, now=now)


def rating_links(email: OutboundEmail) -> dict[int, str]:
    """Score -> path of the one-click links in a rating email."""
    return {int(score): path for path, score in LINK.findall(email.body)}


def last_links(person) -> dict[int, str]:
    email = OutboundEmail.objects.filter(to=person.email, body__contains="/satisfaction/rate/")
    return rating_links(email.latest("pk"))


def request_of(ticket, resolution=1) -> CsatRequest:
    return CsatRequest.objects.get(ticket=ticket, resolution=resolution)
