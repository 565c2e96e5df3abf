"""Complaint emails through the outbox, each in its recipient's language.

Client-side people get public steps only: internal notes go to the owner and nobody else.
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from clients.models import Team, User
from itsm.links import absolute_reverse
from itsm.outbox import email_enqueue
from itsm.tenancy import Role

from .models import Complaint, ComplaintEvent, Status


def headline(step: str) -> str:
    """What happened, in the active language."""
    return {
        "opened": _("New complaint"),
        Status.ACKNOWLEDGED: _("Complaint acknowledged"),
        Status.INVESTIGATING: _("Complaint under investigation"),
        Status.RESOLVED: _("Complaint resolved: please accept or reject"),
        Status.CLOSED: _("Resolution accepted, complaint closed"),
        Status.REOPENED: _("Resolution rejected, complaint reopened"),
        "comment": _("New comment on a complaint"),
        "note": _("Internal note on a complaint"),
        "owner": _("Complaint handed to you"),
        "escalation": _("Complaint escalated"),
    }[step]


def link(complaint: Complaint) -> str:
    return absolute_reverse("complaints:complaint-detail", args=[complaint.pk])


def send(person: User | None, complaint: Complaint, step: str, **context) -> None:
    if person is None or not person.email or not person.is_active:
        return
    with translation.override(person.language or settings.LANGUAGE_CODE):
        text = render_to_string(
            "complaints/email/update.txt",
            {
                "complaint": complaint,
                "person": person,
                "headline": headline(step),
                "link": link(complaint),
                "show_resolution": step == Status.RESOLVED,
                **context,
            },
        )
    subject, _newline, body = text.strip().partition("\n")
    email_enqueue(to=person.email, subject=subject.strip(), body=body.strip())


def concerned(complaint: Complaint) -> list[User]:
    """Complainant, people concerned, the client's managers and the owner (each once)."""
    people = [complaint.raised_by, complaint.owner, *complaint.people.all()]
    people += User.objects.filter(
        client_id=complaint.client_id, role=Role.CLIENT_MANAGER, is_active=True
    )
    if complaint.owner_id is None:  # nobody owns it yet: the leads serving the client hear it
        people += [
            team.lead
            for team in Team.objects.filter(
                clients=complaint.client_id, lead__isnull=False
            ).select_related("lead")
        ]
    unique: dict[int, User] = {}
    for person in people:
        if person is not None:
            unique.setdefault(person.pk, person)
    return list(unique.values())


def complaint_changed(
    complaint: Complaint, *, step: str, actor: User | None, text: str = ""
) -> None:
    for person in concerned(complaint):
        if actor is None or person.pk != actor.pk:
            send(person, complaint, step, text=text)


def complaint_note(complaint: Complaint, event: ComplaintEvent) -> None:
    """Internal notes reach the owner (provider staff) only."""
    owner = complaint.owner
    if owner is not None and owner.is_provider_staff and owner.pk != event.actor_id:
        send(owner, complaint, "note", text=event.body)


def complaint_owner_changed(complaint: Complaint, *, actor: User) -> None:
    if complaint.owner_id != actor.pk:
        send(complaint.owner, complaint, "owner")


def escalation_send(person: User, complaint: Complaint, *, level: int, missed: str, due) -> None:
    send(person, complaint, "escalation", level=level, missed=missed, due=due)
