"""Writes of complaints: one service per intent, each appending to the immutable timeline.

Every service that changes a complaint locks its row, checks the move against
workflow.ALLOWED_TRANSITIONS, reschedules the sweep's next look (`next_check_at`) and mails the
people concerned after commit, each in their language. Other apps may call `complaint_open`
(for instance to turn a low satisfaction score into a complaint).
"""

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.models import Client, Site, Team, User
from itsm.exceptions import ApplicationError
from itsm.tenancy import Role
from tickets.models import Ticket

from . import notifications
from .deadlines import due_instants, next_level_at, resolve_due_from, rules_for
from .models import Category, Complaint, ComplaintEvent, Severity, Source, Status
from .permissions import (
    ensure_can_handle,
    ensure_can_note,
    ensure_can_open,
    ensure_client_decides,
    is_handler,
)
from .signals import complaint_opened
from .workflow import ensure_transition_allowed


def event_record(
    *, complaint: Complaint, actor: User | None, kind: str, now: datetime, **fields
) -> ComplaintEvent:
    return ComplaintEvent.objects.create(
        complaint=complaint,
        client_id=complaint.client_id,
        actor=actor,
        kind=kind,
        created_at=now,
        **fields,
    )


def default_owner(*, client: Client, tickets: list[Ticket]) -> User | None:
    """The lead of a linked ticket's team, else the lead of a team serving the client."""
    leads = [t.team.lead for t in tickets if t.team_id and t.team.lead_id]
    leads += [
        team.lead
        for team in Team.objects.filter(clients=client, lead__isnull=False)
        .select_related("lead")
        .order_by("name")
    ]
    return next((lead for lead in leads if is_handler(lead, client.pk)), None)


def _checked_links(*, actor, client, tickets, sites, people) -> tuple[list, list, list]:
    """Linked rows must belong to the complaint's client and be visible to the one who links."""
    tickets, sites, people = list(tickets), list(sites), list(people)
    if any(t.client_id != client.pk for t in tickets):
        raise ApplicationError(_("A linked ticket belongs to another client."))
    visible = set(
        Ticket.objects.visible_to(actor)
        .filter(pk__in=[t.pk for t in tickets])
        .values_list("pk", flat=True)
    )
    if any(t.pk not in visible for t in tickets):
        raise ApplicationError(_("You cannot link a ticket you cannot see."))
    if any(s.client_id != client.pk for s in sites):
        raise ApplicationError(_("A site belongs to another client."))
    if any(p.client_id != client.pk or p.role != Role.END_USER for p in people):
        raise ApplicationError(_("The people concerned must be end users of this client."))
    return tickets, sites, people


@transaction.atomic
def complaint_open(
    *,
    actor: User,
    client: Client,
    source: str,
    category: str,
    subject: str,
    description: str,
    severity: str = Severity.NORMAL,
    tickets: Iterable[Ticket] = (),
    sites: Iterable[Site] = (),
    people: Iterable[User] = (),
    owner: User | None = None,
    now: datetime | None = None,
) -> Complaint:
    """Log a complaint and start its deadlines on the client's calendar.

    End users complain directly about their own tickets or the service; client managers log
    what users told the client (source via_client); staff log what they heard (either source).
    Mails the owner, the client's managers and the complainant after commit.
    """
    now = now or timezone.now()
    ensure_can_open(actor, client.pk, source)
    reason = actor.access_blocked_reason()
    if reason:
        raise ApplicationError(reason)
    if source not in Source.values:
        raise ApplicationError(_("Unknown source."))
    if severity not in Severity.values:
        raise ApplicationError(_("Unknown severity."))
    if category not in Category.values:
        raise ApplicationError(_("Choose what the complaint is about."))
    subject, description = subject.strip(), description.strip()
    if not subject or not description:
        raise ApplicationError(_("Subject and description are both required."))
    tickets, sites, people = _checked_links(
        actor=actor, client=client, tickets=tickets, sites=sites, people=people
    )
    if actor.role == Role.END_USER:
        people = [*people, actor] if actor not in people else people
        if actor.site_id and not sites:
            sites = [actor.site]
    for ticket in tickets:
        if ticket.site_id not in {s.pk for s in sites}:
            sites.append(ticket.site)
        if ticket.requester.role == Role.END_USER and ticket.requester not in people:
            people.append(ticket.requester)
    if owner is not None and not is_handler(owner, client.pk):
        raise ApplicationError(
            _("%(name)s cannot own complaints of this client.") % {"name": owner.display_name}
        )
    owner = owner or default_owner(client=client, tickets=tickets)
    rules = rules_for(client.pk)
    ack_due, resolve_due = due_instants(rules, severity, now)
    complaint = Complaint.objects.create(
        client=client,
        source=source,
        severity=severity,
        category=category,
        subject=subject[:200],
        description=description,
        raised_by=actor,
        owner=owner,
        calendar=rules.calendar,
        ack_due_at=ack_due,
        resolve_due_at=resolve_due,
        created_at=now,
    )
    complaint.reference = f"{client.code}-C{complaint.pk:05d}"
    complaint.next_check_at = next_level_at(complaint, rules)
    complaint.save(update_fields=["reference", "next_check_at"])
    complaint.tickets.set(tickets)
    complaint.sites.set(sites)
    complaint.people.set(people)
    event_record(
        complaint=complaint,
        actor=actor,
        kind=ComplaintEvent.Kind.CREATED,
        now=now,
        new_status=Status.OPEN,
    )
    notifications.complaint_changed(complaint, step="opened", actor=actor)
    complaint_opened.send(Complaint, complaint=complaint, actor=actor, now=now)
    return complaint


def complaint_lock(*, complaint: Complaint) -> Complaint:
    return (
        Complaint.objects.select_for_update(of=("self",))
        .select_related("client", "owner", "raised_by")
        .get(pk=complaint.pk)
    )


def _move(
    complaint: Complaint,
    actor: User,
    target: str,
    now: datetime,
    *,
    body: str = "",
    fields: dict | None = None,
) -> Complaint:
    """Apply a checked move: status and extra fields, the sweep's next look, the timeline."""
    old = complaint.status
    ensure_transition_allowed(current=old, target=target)
    complaint.status = target
    for name, value in (fields or {}).items():
        setattr(complaint, name, value)
    complaint.next_check_at = next_level_at(complaint, rules_for(complaint.client_id))
    complaint.save(update_fields=["status", "next_check_at", "updated_at", *(fields or {}).keys()])
    event_record(
        complaint=complaint,
        actor=actor,
        kind=ComplaintEvent.Kind.STATUS,
        now=now,
        old_status=old,
        new_status=target,
        body=body.strip(),
    )
    notifications.complaint_changed(complaint, step=target, actor=actor, text=body.strip())
    return complaint


@transaction.atomic
def complaint_acknowledge(
    *, actor: User, complaint: Complaint, comment: str = "", now: datetime | None = None
) -> Complaint:
    """The owner (or a handler, who then owns it) confirms the complaint was heard."""
    ensure_can_handle(actor, complaint)
    complaint = complaint_lock(complaint=complaint)
    fields = {"acknowledged_at": now or timezone.now()}
    if complaint.owner_id is None:
        fields["owner"] = actor
    now = fields["acknowledged_at"]
    return _move(complaint, actor, Status.ACKNOWLEDGED, now, body=comment, fields=fields)


@transaction.atomic
def complaint_investigate(
    *, actor: User, complaint: Complaint, comment: str = "", now: datetime | None = None
) -> Complaint:
    ensure_can_handle(actor, complaint)
    complaint = complaint_lock(complaint=complaint)
    return _move(complaint, actor, Status.INVESTIGATING, now or timezone.now(), body=comment)


@transaction.atomic
def complaint_resolve(
    *,
    actor: User,
    complaint: Complaint,
    root_cause: str,
    corrective_action: str,
    comment: str = "",
    now: datetime | None = None,
) -> Complaint:
    """Resolution needs both the root cause and the corrective action; the client then decides."""
    ensure_can_handle(actor, complaint)
    root_cause, corrective_action = root_cause.strip(), corrective_action.strip()
    if not root_cause or not corrective_action:
        raise ApplicationError(
            _("Write both the root cause and the corrective action to resolve a complaint."),
            {"code": "resolution_incomplete"},
        )
    complaint = complaint_lock(complaint=complaint)
    now = now or timezone.now()
    return _move(
        complaint,
        actor,
        Status.RESOLVED,
        now,
        body=comment,
        fields={
            "root_cause": root_cause,
            "corrective_action": corrective_action,
            "resolved_at": now,
        },
    )


@transaction.atomic
def complaint_accept(
    *, actor: User, complaint: Complaint, comment: str = "", now: datetime | None = None
) -> Complaint:
    """The client accepts the resolution: the complaint is closed."""
    ensure_client_decides(actor, complaint)
    complaint = complaint_lock(complaint=complaint)
    now = now or timezone.now()
    return _move(complaint, actor, Status.CLOSED, now, body=comment, fields={"closed_at": now})


@transaction.atomic
def complaint_reject(
    *, actor: User, complaint: Complaint, reason: str, now: datetime | None = None
) -> Complaint:
    """The client rejects the resolution with a reason: reopened, with a fresh resolve deadline."""
    ensure_client_decides(actor, complaint)
    reason = reason.strip()
    if not reason:
        raise ApplicationError(
            _("Say why the resolution is not acceptable."), {"code": "reason_required"}
        )
    complaint = complaint_lock(complaint=complaint)
    now = now or timezone.now()
    rules = rules_for(complaint.client_id)
    fields = {
        "resolved_at": None,
        "resolve_due_at": resolve_due_from(rules, complaint.severity, now),
    }
    return _move(complaint, actor, Status.REOPENED, now, body=reason, fields=fields)


@transaction.atomic
def complaint_comment(
    *,
    actor: User,
    complaint: Complaint,
    body: str,
    internal: bool = False,
    now: datetime | None = None,
) -> ComplaintEvent:
    """A public comment (anyone who sees the complaint) or an internal note (staff only).

    Notes are mailed to the owner only; comments to everyone concerned.
    """
    if internal:
        ensure_can_note(actor, complaint)
    elif not Complaint.objects.visible_to(actor).filter(pk=complaint.pk).exists():
        raise PermissionDenied(_("You cannot comment on this complaint."))
    body = body.strip()
    if not body:
        raise ApplicationError(_("Write a message."))
    complaint = complaint_lock(complaint=complaint)
    if complaint.status == Status.CLOSED and not internal:
        raise ApplicationError(_("This complaint is closed; log a new one."))
    kind = ComplaintEvent.Kind.NOTE if internal else ComplaintEvent.Kind.COMMENT
    event = event_record(
        complaint=complaint,
        actor=actor,
        kind=kind,
        now=now or timezone.now(),
        is_internal=internal,
        body=body,
    )
    if internal:
        notifications.complaint_note(complaint, event)
    else:
        notifications.complaint_changed(complaint, step="comment", actor=actor, text=body)
    return event


@transaction.atomic
def complaint_assign_owner(
    *, actor: User, complaint: Complaint, owner: User, now: datetime | None = None
) -> Complaint:
    """Hand the complaint to another handler of the client (a team lead or an admin)."""
    ensure_can_handle(actor, complaint)
    if not is_handler(owner, complaint.client_id):
        raise ApplicationError(
            _("%(name)s cannot own complaints of this client.") % {"name": owner.display_name}
        )
    complaint = complaint_lock(complaint=complaint)
    if complaint.status == Status.CLOSED:
        raise ApplicationError(_("This complaint is closed; log a new one."))
    if complaint.owner_id == owner.pk:
        return complaint
    old = complaint.owner.display_name if complaint.owner_id else "—"
    complaint.owner = owner
    complaint.save(update_fields=["owner", "updated_at"])
    event_record(
        complaint=complaint,
        actor=actor,
        kind=ComplaintEvent.Kind.OWNER,
        now=now or timezone.now(),
        body=f"{old} → {owner.display_name}",
    )
    notifications.complaint_owner_changed(complaint, actor=actor)
    return complaint
