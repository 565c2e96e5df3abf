"""Per-ticket CSAT: a rating request per resolution, and one-click signed email links.

The link carries a signed token {ticket, nonce}; the nonce names one CsatRequest row, so a
forged token fails the signature, an old one is refused by the row's age, and a used one by
the row's answered_at. Rating itself goes through tickets.services.ticket_rate (the same
service as the portal and the API), with the requester as actor.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from itsm.exceptions import ApplicationError
from itsm.links import absolute_url
from tickets.models import Rating, Ticket
from tickets.services import ticket_rate, ticket_rating_comment, ticket_resolution_number

from .emails import email_send
from .models import CsatRequest

TOKEN_SALT = "reports.satisfaction.csat"


class RatingLinkError(ApplicationError):
    """An emailed rating link that cannot be used; `code` says why (forged, expired, used...)."""

    def __init__(self, message: str, code: str, status_code: int = 400):
        super().__init__(message, {"code": code})
        self.code = code
        self.status_code = status_code


def csat_token(request: CsatRequest) -> str:
    return signing.dumps({"t": request.ticket_id, "n": request.nonce}, salt=TOKEN_SALT)


def csat_link(request: CsatRequest, score: int) -> str:
    path = reverse(
        "satisfaction:rating-by-token", args=[request.ticket_id, score, csat_token(request)]
    )
    return absolute_url(path)


def csat_request_open(*, ticket: Ticket, now=None) -> CsatRequest | None:
    """Offer a rating for the ticket's current resolution and email the requester the links.

    Called inside the resolving transaction (receiver of ticket_changed); a second call for
    the same resolution does nothing.
    """
    now = now or timezone.now()
    resolution = ticket_resolution_number(ticket) or 1
    request, created = CsatRequest.objects.get_or_create(
        ticket=ticket,
        resolution=resolution,
        defaults={
            "client_id": ticket.client_id,
            "requester_id": ticket.requester_id,
            "nonce": secrets.token_hex(16),
            "sent_at": now,
        },
    )
    if not created:
        return None
    links = [(score, csat_link(request, score)) for score in range(5, 0, -1)]
    email_send(
        ticket.requester,
        "csat_request",
        ticket=ticket,
        links=links,
        max_age_days=settings.CSAT_LINK_MAX_AGE_DAYS,
    )
    return request


def csat_request_answered(*, rating: Rating, now) -> None:
    """Mark the request of the rated resolution answered (whichever door the rating came by)."""
    CsatRequest.objects.filter(
        ticket_id=rating.ticket_id, resolution=rating.resolution, answered_at__isnull=True
    ).update(answered_at=now, rating=rating)


def csat_request_from_token(*, ticket_id: int, token: str, now=None) -> CsatRequest:
    """The request a link names, or RatingLinkError. Never reveals another ticket."""
    now = now or timezone.now()
    try:
        payload = signing.loads(token, salt=TOKEN_SALT)
        token_ticket, nonce = int(payload["t"]), str(payload["n"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise RatingLinkError(
            _("This rating link is not valid. Please use the link exactly as it was emailed."),
            "forged",
        ) from exc
    if token_ticket != ticket_id:
        raise RatingLinkError(_("This rating link does not belong to this ticket."), "other_ticket")
    request = (
        CsatRequest.objects.select_related("ticket", "ticket__requester", "rating")
        .filter(ticket_id=ticket_id, nonce=nonce)
        .first()
    )
    if request is None:
        raise RatingLinkError(
            _("This rating link is not valid. Please use the link exactly as it was emailed."),
            "forged",
        )
    if now - request.sent_at > timedelta(days=settings.CSAT_LINK_MAX_AGE_DAYS):
        raise RatingLinkError(
            _("This rating link has expired. You can still rate the ticket in the portal."),
            "expired",
            status_code=410,
        )
    return request


@transaction.atomic
def csat_rate_by_token(*, ticket_id: int, token: str, score, now=None) -> Rating:
    """Record the score of a one-click link; the link then works only for adding a comment."""
    now = now or timezone.now()
    request = csat_request_from_token(ticket_id=ticket_id, token=token, now=now)
    if request.answered_at is not None:
        raise RatingLinkError(
            _("This rating link has already been used. Thank you, your rating was recorded."),
            "used",
            status_code=409,
        )
    requester = request.ticket.requester
    if not requester.is_active or requester.access_blocked_reason():
        raise RatingLinkError(_("This account can no longer rate tickets."), "blocked", 403)
    try:
        return ticket_rate(
            actor=requester,
            ticket=request.ticket,
            score=score,
            resolution=request.resolution,
            now=now,
        )
    except PermissionDenied as exc:
        raise RatingLinkError(str(exc), "not_allowed", status_code=403) from exc
    except ApplicationError as exc:
        code = exc.extra.get("code", "refused")
        status_code = 409 if code == "already_rated" else 400
        raise RatingLinkError(exc.message, code, status_code) from exc


@transaction.atomic
def csat_comment_by_token(*, ticket_id: int, token: str, comment: str, now=None) -> Rating:
    """The optional comment after a one-click rating, once, on a link that was just used."""
    request = csat_request_from_token(ticket_id=ticket_id, token=token, now=now)
    if request.rating is None:
        raise RatingLinkError(_("Choose a score first."), "not_rated")
    try:
        return ticket_rating_comment(
            actor=request.ticket.requester, rating=request.rating, comment=comment
        )
    except PermissionDenied as exc:
        raise RatingLinkError(str(exc), "not_allowed", status_code=403) from exc
    except ApplicationError as exc:
        raise RatingLinkError(exc.message, exc.extra.get("code", "refused")) from exc
