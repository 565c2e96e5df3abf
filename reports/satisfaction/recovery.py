"""Service recovery: a low rating opens a follow-up for the team lead and tells the client."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.models import User
from itsm.exceptions import ApplicationError
from itsm.tenancy import Role
from reports.complaints.models import Category, Complaint
from reports.complaints.services import complaint_open
from tickets.models import Rating

from .emails import email_send
from .models import FollowUp


def follow_up_leads(client_id: int) -> list[User]:
    """Leads of the teams serving the client (each once)."""
    leads = (
        User.objects.filter(teams_led__clients=client_id, is_active=True).distinct().order_by("pk")
    )
    return list(leads)


def follow_up_open(*, rating: Rating, now=None) -> FollowUp | None:
    """Open the follow-up of a low rating, once; email the leads and the client's managers.

    Runs inside the rating transaction (receiver of tickets' ticket_rated).
    """
    if rating.score > settings.CSAT_LOW_SCORE_THRESHOLD:
        return None
    now = now or timezone.now()
    follow_up, created = FollowUp.objects.get_or_create(
        rating=rating,
        defaults={"client_id": rating.client_id, "ticket_id": rating.ticket_id, "created_at": now},
    )
    if not created:
        return None
    ticket = rating.ticket
    for lead in follow_up_leads(rating.client_id):
        email_send(lead, "follow_up_lead", ticket=ticket, rating=rating, follow_up=follow_up)
    managers = User.objects.filter(
        client_id=rating.client_id, role=Role.CLIENT_MANAGER, is_active=True
    ).order_by("pk")
    for manager in managers:
        email_send(manager, "follow_up_manager", ticket=ticket, rating=rating)
    return follow_up


def ensure_can_handle(actor: User, follow_up: FollowUp) -> None:
    """Admins, and agents whose teams serve the client (leads and their teams)."""
    if actor.is_admin_role:
        return
    if actor.role == Role.AGENT and follow_up.client_id in actor.served_client_ids():
        return
    raise PermissionDenied(_("Only the service desk serving this client can do that."))


@transaction.atomic
def follow_up_done(*, actor: User, follow_up: FollowUp, note: str, now=None) -> FollowUp:
    """Close a follow-up with a note of what was done (required: the dashboards show it)."""
    ensure_can_handle(actor, follow_up)
    note = note.strip()
    if not note:
        raise ApplicationError(_("Write what was done before marking it done."))
    follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    if follow_up.status == FollowUp.Status.DONE:
        raise ApplicationError(
            _("This follow-up was already marked done."), {"code": "already_done"}
        )
    follow_up.status = FollowUp.Status.DONE
    follow_up.note = note[:4000]
    follow_up.handled_by = actor
    follow_up.handled_at = now or timezone.now()
    follow_up.save(update_fields=["status", "note", "handled_by", "handled_at"])
    return follow_up


def follow_up_complaint_seed(follow_up: FollowUp) -> dict:
    """What a complaint opened from this follow-up starts with (the one-click hook)."""
    rating = follow_up.rating
    return {
        "client_id": follow_up.client_id,
        "ticket_ids": [follow_up.ticket_id],
        "end_user_ids": [rating.rated_by_id],
        "source": "direct",
        "description": rating.comment,
    }


@transaction.atomic
def follow_up_complaint_open(*, actor: User, follow_up: FollowUp, now=None) -> Complaint:
    """Turn the low rating into a complaint (once): a direct complaint of the person who rated,
    linked to the ticket, the rating comment as its description; the follow-up links to it."""
    ensure_can_handle(actor, follow_up)
    follow_up = (
        FollowUp.objects.select_for_update(of=("self",))
        .select_related("client", "ticket", "rating__rated_by")
        .get(pk=follow_up.pk)
    )
    if follow_up.complaint_id is not None:
        raise ApplicationError(
            _("A complaint was already opened from this follow-up."), {"code": "already_opened"}
        )
    seed = follow_up_complaint_seed(follow_up)
    rating, ticket = follow_up.rating, follow_up.ticket
    rated_by = rating.rated_by
    complaint = complaint_open(
        actor=actor,
        client=follow_up.client,
        source=seed["source"],
        category=Category.OTHER,
        subject=_("Low rating %(score)s/5: %(subject)s")
        % {"score": rating.score, "subject": ticket.subject},
        description=seed["description"]
        or _("Rated %(score)s/5 without a comment.") % {"score": rating.score},
        tickets=[ticket],
        # Only end users are "people concerned"; a ticket's requester is added by complaint_open.
        people=[rated_by] if rated_by.role == Role.END_USER and rated_by.client_id else [],
        now=now,
    )
    follow_up.complaint = complaint
    follow_up.save(update_fields=["complaint"])
    return complaint
