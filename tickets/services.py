"""Writes of tickets: one service per intent, each recording a timeline event.

Every service that changes a ticket locks its row, checks the caller's `expected_version`
(optimistic concurrency for edits made on a stale page), bumps the version, appends an
immutable TicketEvent and tells listeners (the SLA engine) through `ticket_changed`.
"""

import hashlib
import json
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.models import Client, ServiceAgreement, ServiceCategory, Site, Team, User
from itsm.config_cache import cached
from itsm.exceptions import ApplicationError, ConflictError
from itsm.tenancy import Role

from . import notifications
from .attachments import check_upload, new_token
from .models import (
    Attachment,
    Channel,
    CreateRequest,
    Impact,
    Priority,
    PriorityRule,
    Rating,
    Status,
    Ticket,
    TicketCounter,
    TicketEvent,
    TimeEntry,
    Urgency,
)
from .signals import ticket_assigned, ticket_changed, ticket_creating, ticket_rated
from .workflow import ensure_transition_allowed


def _priority_matrix() -> dict[tuple[int, int], int]:
    return {
        (impact, urgency): priority
        for impact, urgency, priority in PriorityRule.objects.values_list(
            "impact", "urgency", "priority"
        )
    }


def priority_for(*, impact: int, urgency: int) -> int:
    # The matrix is read from this process's copy (itsm.config_cache; PriorityRule is watched).
    priority = cached(("tickets.priority-matrix",), _priority_matrix).get((impact, urgency))
    if priority is not None:
        return priority
    # Matrix cell missing (admin deleted it): fall back to the ITIL default shape.
    return min(4, max(1, impact + urgency - 1))


def ticket_reference_allocate(*, client: Client) -> tuple[int, str]:
    """Next number of `client`. Must run inside the creating transaction.

    One UPDATE ... RETURNING both increments and row-locks the counter, so concurrent creates
    for a client queue up and a number is never handed out twice (nor reused after a rollback
    of someone else's transaction, since theirs held the lock until it ended).
    """
    table = TicketCounter._meta.db_table
    with connection.cursor() as cursor:
        for _attempt in range(2):
            cursor.execute(
                f"UPDATE {table} SET last_number = last_number + 1 "  # noqa: S608 - table name is ours
                "WHERE client_id = %s RETURNING last_number",
                [client.pk],
            )
            row = cursor.fetchone()
            if row is not None:
                return row[0], f"{client.code}-{row[0]:06d}"
            # First ticket of the client: create the counter (a racing creator may win; fine).
            TicketCounter.objects.get_or_create(client=client)
    raise RuntimeError("ticket counter row missing")


def agreement_covers(*, client: Client, category: ServiceCategory, now=None) -> bool:
    """An agreement of `client` covers `category` on the client's own calendar date."""
    day = client.local_date(now or timezone.now())
    agreements = ServiceAgreement.objects.filter(client=client, categories=category)
    return any(agreement.covers(day) for agreement in agreements)


def ensure_can_file_for(actor: User, requester: User) -> None:
    if actor.pk == requester.pk and actor.role == Role.END_USER:
        return
    client_side = requester.role in (Role.END_USER, Role.CLIENT_MANAGER)
    if (
        client_side
        and actor.is_provider_staff
        and (actor.is_admin_role or requester.client_id in actor.served_client_ids())
    ):
        return
    raise PermissionDenied(_("You may not file a ticket for this person."))


def ensure_can_work_on(actor: User, ticket: Ticket) -> None:
    """Provider staff serving the ticket's client (admins serve all)."""
    if actor.is_admin_role:
        return
    if actor.role == Role.AGENT and ticket.client_id in actor.served_client_ids():
        return
    raise PermissionDenied(_("Only the service desk serving this client can do that."))


def ensure_is_requester_side(actor: User, ticket: Ticket) -> None:
    """The requester, whatever their client-side role (staff file tickets for client managers
    too), or a site lead of the ticket's site."""
    if not actor.is_provider_staff and actor.client_id == ticket.client_id:
        if actor.pk == ticket.requester_id:
            return
        if actor.role == Role.END_USER and actor.is_site_lead and actor.site_id == ticket.site_id:
            return
    raise PermissionDenied(_("Only the person who reported this can do that."))


def ensure_can_write(actor: User, ticket: Ticket, *, internal: bool, internal_refusal: str) -> None:
    """Staff serving the client write anything; the requester's side writes public things only."""
    if actor.is_provider_staff:
        ensure_can_work_on(actor, ticket)
    elif internal:
        raise PermissionDenied(internal_refusal)
    else:
        ensure_is_requester_side(actor, ticket)


def ensure_agent_serves(agent: User, client_id: int) -> None:
    if agent.role not in (Role.AGENT, Role.ADMIN) or not agent.is_active:
        raise ApplicationError(_("%(name)s is not an active agent.") % {"name": agent.display_name})
    if agent.role == Role.AGENT and client_id not in agent.served_client_ids():
        raise ApplicationError(
            _("%(name)s is not in a team serving this client.") % {"name": agent.display_name}
        )


def event_record(*, ticket: Ticket, actor: User | None, kind: str, **fields) -> TicketEvent:
    return TicketEvent.objects.create(
        ticket=ticket, client_id=ticket.client_id, actor=actor, kind=kind, **fields
    )


def change_record(
    ticket: Ticket, actor: User | None, kind: str, field: str, old, new, body: str = ""
) -> TicketEvent:
    """A field change on the timeline: `field` went from `old` to `new`."""
    return event_record(
        ticket=ticket, actor=actor, kind=kind, field=field, old_value=old, new_value=new, body=body
    )


def ticket_lock(*, ticket: Ticket, expected_version: int | None = None) -> Ticket:
    """Re-read `ticket` under a row lock; refuse if the caller's copy is stale."""
    locked = (
        # Lock only the ticket row (not its client, which every ticket of the client shares).
        # The assignee is not joined: after waiting for the lock PostgreSQL re-reads the row but
        # an outer-joined assignee could be the stale one.
        Ticket.objects.select_for_update(of=("self",))
        .select_related("client", "requester")
        .get(pk=ticket.pk)
    )
    if expected_version is not None and locked.version != expected_version:
        last = locked.events.exclude(kind=TicketEvent.Kind.SLA).select_related("actor").last()
        who = last.actor.display_name if last and last.actor else _("someone else")
        raise ConflictError(
            _(
                "%(ref)s was changed by %(who)s after you opened it. Nothing was saved: "
                "reload to see their change, then apply yours again."
            )
            % {"ref": locked.reference, "who": who},
            {"code": "stale", "current_version": locked.version},
        )
    return locked


def _save(ticket: Ticket, fields: list[str]) -> None:
    ticket.version += 1
    ticket.save(update_fields=[*fields, "version", "updated_at"])


def _changed(ticket: Ticket, actor: User | None, change: str, now) -> None:
    ticket_changed.send(Ticket, ticket=ticket, actor=actor, change=change, now=now)


@transaction.atomic
def ticket_create(
    *,
    actor: User,
    subject: str,
    description: str,
    requester: User | None = None,
    site: Site | None = None,
    category: ServiceCategory | None = None,
    impact: int = Impact.LOW,
    urgency: int = Urgency.MEDIUM,
    channel: str = Channel.PORTAL,
    files=(),
    now=None,
) -> Ticket:
    """File a ticket. Site defaults to the requester's; the category must be covered.

    Emails the requester after commit.
    """
    now = now or timezone.now()
    requester = requester or actor
    ensure_can_file_for(actor, requester)
    reason = requester.access_blocked_reason()
    if reason:
        raise ApplicationError(reason)
    client = requester.client
    site = site or requester.site
    if site is None:
        raise ApplicationError(_("Choose the site where the problem is."))
    if site.client_id != client.pk:
        raise ApplicationError(_("The site belongs to another client."))
    if category is not None and not agreement_covers(client=client, category=category, now=now):
        raise ApplicationError(
            _("“%(category)s” is not covered by the service agreement.") % {"category": category}
        )
    subject, description = subject.strip(), description.strip()
    if not subject or not description:
        raise ApplicationError(_("Subject and description are both required."))
    checked = [(upload, check_upload(upload)) for upload in files]
    ticket = Ticket(
        client=client,
        site=site,
        requester=requester,
        created_by=actor,
        channel=channel,
        category=category,
        impact=impact,
        urgency=urgency,
        priority=priority_for(impact=impact, urgency=urgency),
        subject=subject,
        description=description,
    )
    # Receivers fill fields before the single INSERT (the SLA engine: sla_due_at).
    ticket_creating.send(Ticket, ticket=ticket, now=now)
    # Last before the insert: the counter's row lock queues this client's other creations
    # until commit, so nothing that can run earlier runs after it.
    ticket.number, ticket.reference = ticket_reference_allocate(client=client)
    # Inputs were checked above; full_clean() would add six uniqueness/existence queries.
    ticket.save(force_insert=True)
    event = event_record(
        ticket=ticket, actor=actor, kind=TicketEvent.Kind.CREATED, new_value=ticket.reference
    )
    for upload, content_type in checked:
        _attachment_store(
            ticket=ticket, actor=actor, upload=upload, content_type=content_type, event=event
        )
    _changed(ticket, actor, "created", now)
    notifications.ticket_created(ticket)
    return ticket


@transaction.atomic
def ticket_claim(*, actor: User, ticket: Ticket, now=None) -> Ticket:
    """Take an unassigned ticket. Of two agents claiming at once exactly one wins."""
    ensure_can_work_on(actor, ticket)
    ticket = ticket_lock(ticket=ticket)
    if ticket.assignee_id == actor.pk:
        return ticket
    if ticket.assignee_id is not None:
        raise ConflictError(
            _("%(ref)s is already taken by %(who)s.")
            % {"ref": ticket.reference, "who": ticket.assignee.display_name},
            {"code": "already_claimed", "assignee": ticket.assignee.username},
        )
    return _assign(actor=actor, ticket=ticket, agent=actor, team=None, now=now or timezone.now())


@transaction.atomic
def ticket_assign(
    *,
    actor: User,
    ticket: Ticket,
    agent: User | None = None,
    team: Team | None = None,
    expected_version: int | None = None,
    now=None,
) -> Ticket:
    """Assign to an agent and/or a team that serve the ticket's client; notifies the agent."""
    ensure_can_work_on(actor, ticket)
    ticket = ticket_lock(ticket=ticket, expected_version=expected_version)
    if agent is None and team is None:
        raise ApplicationError(_("Choose an agent or a team."))
    return _assign(actor=actor, ticket=ticket, agent=agent, team=team, now=now or timezone.now())


def _assign(*, actor, ticket, agent, team, now) -> Ticket:
    if agent is not None:
        ensure_agent_serves(agent, ticket.client_id)
    if team is not None and not team.clients.filter(pk=ticket.client_id).exists():
        # The team may be unknown to the actor (another client's): do not name it.
        raise ApplicationError(_("The chosen team does not serve this client."))
    if not ticket.is_open:
        raise ApplicationError(_("A closed, resolved or cancelled ticket cannot be assigned."))
    fields = []
    if agent is not None and agent.pk != ticket.assignee_id:
        old = ticket.assignee.display_name if ticket.assignee else ""
        ticket.assignee = agent
        fields.append("assignee")
        change_record(ticket, actor, TicketEvent.Kind.ASSIGNED, "assignee", old, agent.display_name)
    if team is not None and team.pk != ticket.team_id:
        old = ticket.team.name if ticket.team_id else ""
        ticket.team = team
        fields.append("team")
        change_record(ticket, actor, TicketEvent.Kind.ASSIGNED, "team", old, team.name)
    if agent is not None and ticket.status in (Status.NEW, Status.REOPENED):
        change_record(
            ticket, actor, TicketEvent.Kind.STATUS, "status", ticket.status, Status.ASSIGNED
        )
        ticket.status = Status.ASSIGNED
        fields.append("status")
    if not fields:
        return ticket
    _save(ticket, fields)
    _changed(ticket, actor, "assigned", now)
    if "assignee" in fields:
        ticket_assigned.send(Ticket, ticket=ticket, actor=actor, now=now)
    return ticket


@transaction.atomic
def ticket_change_status(
    *,
    actor: User,
    ticket: Ticket,
    status: str,
    expected_version: int | None = None,
    comment: str = "",
    now=None,
) -> Ticket:
    """Move along the workflow (ALLOWED_TRANSITIONS); illegal moves are refused with a reason."""
    now = now or timezone.now()
    if actor.is_provider_staff:
        ensure_can_work_on(actor, ticket)
    else:
        ensure_is_requester_side(actor, ticket)
    ticket = ticket_lock(ticket=ticket, expected_version=expected_version)
    old = ticket.status
    if status == old:
        return ticket
    ensure_transition_allowed(actor=actor, current=old, target=status)
    if status == Status.REOPENED and ticket.resolved_at:
        window = timedelta(days=settings.TICKET_AUTO_CLOSE_DAYS)
        if now - ticket.resolved_at > window:
            raise ApplicationError(
                _("This ticket was resolved too long ago to reopen; file a new one.")
            )
    ticket.status = status
    fields = ["status"]
    if status == Status.RESOLVED:
        ticket.resolved_at, fields = now, [*fields, "resolved_at"]
    elif status == Status.CLOSED:
        ticket.closed_at, fields = now, [*fields, "closed_at"]
    elif status == Status.REOPENED:
        ticket.resolved_at, fields = None, [*fields, "resolved_at"]
    _save(ticket, fields)
    change_record(
        ticket, actor, TicketEvent.Kind.STATUS, "status", old, status, body=comment.strip()
    )
    _changed(ticket, actor, "status", now)
    if status == Status.RESOLVED:
        notifications.ticket_resolved(ticket)
    return ticket


@transaction.atomic
def ticket_change_priority(
    *, actor: User, ticket: Ticket, priority: int, expected_version: int | None = None, now=None
) -> Ticket:
    ensure_can_work_on(actor, ticket)
    if priority not in Priority.values:
        raise ApplicationError(_("Priority must be 1 to 4."))
    ticket = ticket_lock(ticket=ticket, expected_version=expected_version)
    if ticket.priority == priority:
        return ticket
    old = ticket.priority
    ticket.priority = priority
    _save(ticket, ["priority"])
    change_record(ticket, actor, TicketEvent.Kind.PRIORITY, "priority", f"P{old}", f"P{priority}")
    _changed(ticket, actor, "priority", now or timezone.now())
    return ticket


@transaction.atomic
def ticket_change_category(
    *,
    actor: User,
    ticket: Ticket,
    category: ServiceCategory | None,
    expected_version: int | None = None,
) -> Ticket:
    ensure_can_work_on(actor, ticket)
    if category is not None and not agreement_covers(client=ticket.client, category=category):
        raise ApplicationError(
            _("“%(category)s” is not covered by the service agreement.") % {"category": category}
        )
    ticket = ticket_lock(ticket=ticket, expected_version=expected_version)
    if ticket.category_id == (category.pk if category else None):
        return ticket
    old = str(ticket.category) if ticket.category_id else ""
    ticket.category = category
    _save(ticket, ["category"])
    change_record(ticket, actor, TicketEvent.Kind.CATEGORY, "category", old, str(category or ""))
    return ticket


@transaction.atomic
def ticket_update(
    *, actor: User, ticket: Ticket, expected_version: int, subject: str, description: str
) -> Ticket:
    """Staff edit of subject/description; each changed field is a timeline event."""
    ensure_can_work_on(actor, ticket)
    ticket = ticket_lock(ticket=ticket, expected_version=expected_version)
    changes = {"subject": subject.strip(), "description": description.strip()}
    if not all(changes.values()):
        raise ApplicationError(_("Subject and description are both required."))
    fields = [name for name, value in changes.items() if getattr(ticket, name) != value]
    for name in fields:
        old, new = getattr(ticket, name)[:300], changes[name][:300]
        change_record(ticket, actor, TicketEvent.Kind.FIELD, name, old, new)
        setattr(ticket, name, changes[name])
    if fields:
        ticket.full_clean()
        _save(ticket, fields)
    return ticket


@transaction.atomic
def ticket_reply(
    *, actor: User, ticket: Ticket, body: str, internal: bool = False, files=(), now=None
) -> TicketEvent:
    """A public reply (either side) or an internal note (staff only), with attachments.

    A requester's reply to a ticket waiting on them puts it back in progress; the first public
    staff reply is the first response (the SLA response clock stops there).
    """
    now = now or timezone.now()
    staff = actor.is_provider_staff
    ensure_can_write(
        actor,
        ticket,
        internal=internal,
        internal_refusal=_("Only the service desk can write internal notes."),
    )
    body = body.strip()
    if not body and not files:
        raise ApplicationError(_("Write a message or attach a file."))
    checked = [(upload, check_upload(upload)) for upload in files]
    ticket = ticket_lock(ticket=ticket)
    if ticket.status in (Status.CLOSED, Status.CANCELLED):
        raise ApplicationError(_("This ticket is closed; file a new one."))
    kind = TicketEvent.Kind.NOTE if internal else TicketEvent.Kind.REPLY
    event = event_record(ticket=ticket, actor=actor, kind=kind, is_internal=internal, body=body)
    for upload, content_type in checked:
        _attachment_store(
            ticket=ticket,
            actor=actor,
            upload=upload,
            content_type=content_type,
            event=event,
            internal=internal,
        )
    fields = []
    if staff and not internal and ticket.first_response_at is None:
        ticket.first_response_at, fields = now, ["first_response_at"]
    if not staff and ticket.status == Status.WAITING:
        change_record(
            ticket, actor, TicketEvent.Kind.STATUS, "status", ticket.status, Status.IN_PROGRESS
        )
        ticket.status, fields = Status.IN_PROGRESS, [*fields, "status"]
    _save(ticket, fields)
    _changed(ticket, actor, "note" if internal else "reply", now)
    if not internal:
        notifications.ticket_replied(ticket, event)
    return event


def _attachment_store(
    *, ticket, actor, upload, content_type, event=None, internal=False
) -> Attachment:
    attachment = Attachment(
        ticket=ticket,
        client_id=ticket.client_id,
        event=event,
        token=new_token(),
        filename=upload.name[-200:],
        content_type=content_type,
        size=upload.size,
        is_internal=internal,
        uploaded_by=actor,
    )
    attachment.file.save(attachment.token, upload, save=False)
    attachment.save()
    return attachment


@transaction.atomic
def attachment_add(*, actor: User, ticket: Ticket, upload, internal: bool = False) -> Attachment:
    """Attach a file on its own (API); recorded as a timeline event."""
    ensure_can_write(
        actor,
        ticket,
        internal=internal,
        internal_refusal=_("Only the service desk can add internal files."),
    )
    content_type = check_upload(upload)
    ticket = ticket_lock(ticket=ticket)
    event = event_record(
        ticket=ticket,
        actor=actor,
        kind=TicketEvent.Kind.ATTACHMENT,
        is_internal=internal,
        new_value=upload.name[-200:],
    )
    return _attachment_store(
        ticket=ticket,
        actor=actor,
        upload=upload,
        content_type=content_type,
        event=event,
        internal=internal,
    )


def ticket_resolution_number(ticket: Ticket) -> int:
    """How many times `ticket` was resolved: the resolution a rating belongs to."""
    return ticket.events.filter(
        kind=TicketEvent.Kind.STATUS, field="status", new_value=Status.RESOLVED
    ).count()


@transaction.atomic
def ticket_rate(
    *,
    actor: User,
    ticket: Ticket,
    score,
    comment: str = "",
    resolution: int | None = None,
    now=None,
) -> Rating:
    """The requester rates the current resolution of a resolved or closed ticket once (1-5).

    Locks the ticket row, so of two simultaneous ratings one wins and the other is told the
    ticket is already rated (instead of a unique violation). `resolution` (from an emailed link)
    must still be the current one: a link sent before a reopen is refused. Sends `ticket_rated`
    inside the transaction (the satisfaction app opens follow-ups for low scores).
    """
    now = now or timezone.now()
    ensure_is_requester_side(actor, ticket)
    try:
        score = int(score)
    except (TypeError, ValueError):
        score = 0
    if not 1 <= score <= 5:
        raise ApplicationError(_("The rating must be 1 to 5."), {"code": "bad_score"})
    ticket = ticket_lock(ticket=ticket)
    if ticket.status not in (Status.RESOLVED, Status.CLOSED):
        raise ApplicationError(
            _("You can rate a ticket once it is resolved."), {"code": "not_resolved"}
        )
    current = ticket_resolution_number(ticket) or 1
    if resolution is not None and resolution != current:
        raise ApplicationError(
            _("This ticket was reopened after this rating link was sent; use the newest link."),
            {"code": "stale_resolution"},
        )
    if Rating.objects.filter(ticket=ticket, resolution=current).exists():
        raise ApplicationError(_("You have already rated this ticket."), {"code": "already_rated"})
    comment = comment.strip()
    rating = Rating.objects.create(
        ticket=ticket,
        client_id=ticket.client_id,
        resolution=current,
        score=score,
        comment=comment,
        rated_by=actor,
        created_at=now,
    )
    event_record(
        ticket=ticket, actor=actor, kind=TicketEvent.Kind.RATING, new_value=str(score), body=comment
    )
    ticket_rated.send(Rating, rating=rating, ticket=ticket, actor=actor, now=now)
    return rating


@transaction.atomic
def ticket_rating_comment(*, actor: User, rating: Rating, comment: str) -> Rating:
    """Add the optional comment to a rating given without one (the email link's second step)."""
    ensure_is_requester_side(actor, rating.ticket)
    comment = comment.strip()
    if not comment:
        raise ApplicationError(_("Write a comment, or simply close this page."))
    rating = Rating.objects.select_for_update().get(pk=rating.pk)
    if rating.comment:
        raise ApplicationError(
            _("A comment was already added to this rating."), {"code": "already_commented"}
        )
    rating.comment = comment[:2000]
    rating.save(update_fields=["comment"])
    event_record(
        ticket=rating.ticket,
        actor=actor,
        kind=TicketEvent.Kind.RATING,
        new_value=str(rating.score),
        body=rating.comment,
    )
    return rating


UNCHANGED = object()  # "leave this field as it is" in ticket_change (None is a value there)
MAX_MINUTES = 24 * 60


def _minutes(value) -> int:
    try:
        minutes = int(value or 0)
    except (TypeError, ValueError):
        minutes = -1
    if not 0 <= minutes <= MAX_MINUTES:
        raise ApplicationError(
            _("Time spent must be a whole number of minutes from 0 to %(max)d.")
            % {"max": MAX_MINUTES},
            {"code": "bad_minutes"},
        )
    return minutes


@transaction.atomic
def time_record(
    *,
    actor: User,
    ticket: Ticket,
    minutes,
    kind: str = TimeEntry.Kind.REMOTE,
    event: TicketEvent | None = None,
    now=None,
) -> TimeEntry | None:
    """Minutes `actor` spent on `ticket` (remote or on site); nothing recorded for 0."""
    ensure_can_work_on(actor, ticket)
    minutes = _minutes(minutes)
    if kind not in TimeEntry.Kind.values:
        raise ApplicationError(_("Choose remote or on site."), {"code": "bad_time_kind"})
    if not minutes:
        return None
    return TimeEntry.objects.create(
        ticket=ticket,
        client_id=ticket.client_id,
        agent=actor,
        event=event,
        minutes=minutes,
        kind=kind,
        at=now or timezone.now(),
    )


@transaction.atomic
def ticket_respond(
    *,
    actor: User,
    ticket: Ticket,
    body: str = "",
    internal: bool = False,
    files=(),
    minutes=0,
    time_kind: str = TimeEntry.Kind.REMOTE,
    now=None,
) -> TicketEvent | None:
    """The composer: a reply or an internal note, with the minutes spent on it (staff).

    Minutes alone (no text) are recorded without a timeline entry.
    """
    now = now or timezone.now()
    minutes = _minutes(minutes)
    if minutes and not actor.is_provider_staff:
        raise PermissionDenied(_("Only the service desk records time spent."))
    event = None
    if body.strip() or files or not minutes:
        event = ticket_reply(
            actor=actor, ticket=ticket, body=body, internal=internal, files=files, now=now
        )
    if minutes:
        time_record(
            actor=actor, ticket=ticket, minutes=minutes, kind=time_kind, event=event, now=now
        )
    return event


@transaction.atomic
def ticket_change(
    *,
    actor: User,
    ticket: Ticket,
    version: int,
    status=UNCHANGED,
    assignee=UNCHANGED,
    team=UNCHANGED,
    priority=UNCHANGED,
    category=UNCHANGED,
    body: str = "",
    internal: bool = False,
    files=(),
    minutes=0,
    time_kind: str = TimeEntry.Kind.REMOTE,
    now=None,
) -> Ticket:
    """The workspace's action panel and composer, submitted once against one `version`.

    Everything or nothing: one version check up front, then each change through its own
    service inside this transaction, so a refusal of any part (or a stale page) saves none.
    The text goes first as a reply or internal note (so "resolve" or "cancel" with a closing
    word works); the status moves last, after the assignment it may depend on.
    """
    now = now or timezone.now()
    ensure_can_work_on(actor, ticket)
    ticket = ticket_lock(ticket=ticket, expected_version=version)
    if body.strip() or files or minutes:
        ticket_respond(
            actor=actor,
            ticket=ticket,
            body=body,
            internal=internal,
            files=files,
            minutes=minutes,
            time_kind=time_kind,
            now=now,
        )
    if category is not UNCHANGED and (category.pk if category else None) != ticket.category_id:
        ticket = ticket_change_category(actor=actor, ticket=ticket, category=category)
    if priority is not UNCHANGED and priority != ticket.priority:
        ticket = ticket_change_priority(actor=actor, ticket=ticket, priority=priority, now=now)
    agent = (
        assignee
        if assignee not in (UNCHANGED, None) and assignee.pk != ticket.assignee_id
        else None
    )
    new_team = team if team not in (UNCHANGED, None) and team.pk != ticket.team_id else None
    if agent is not None or new_team is not None:
        ticket = ticket_assign(actor=actor, ticket=ticket, agent=agent, team=new_team, now=now)
    if status is not UNCHANGED and status != ticket.status:
        ticket = ticket_change_status(actor=actor, ticket=ticket, status=status, now=now)
    return ticket_lock(ticket=ticket)


def _reason(reason: str, message: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ApplicationError(message, {"code": "reason_required"})
    return reason


@transaction.atomic
def ticket_withdraw(*, actor: User, ticket: Ticket, reason: str, now=None) -> Ticket:
    """The requester cancels their ticket, saying why (the reason is on the timeline)."""
    reason = _reason(reason, _("Tell us why you withdraw the ticket."))
    return ticket_change_status(
        actor=actor, ticket=ticket, status=Status.CANCELLED, comment=reason, now=now
    )


@transaction.atomic
def ticket_reopen(*, actor: User, ticket: Ticket, reason: str, now=None) -> Ticket:
    """ "Still broken": reopen, and what is still wrong becomes the requester's reply."""
    now = now or timezone.now()
    reason = _reason(reason, _("Tell us what is still wrong."))
    ticket = ticket_change_status(actor=actor, ticket=ticket, status=Status.REOPENED, now=now)
    ticket_reply(actor=actor, ticket=ticket, body=reason, now=now)
    return ticket_lock(ticket=ticket)


def request_fingerprint(data: dict) -> str:
    """A stable hash of a request body (files by name and size) for Idempotency-Key reuse."""
    shape = {}
    for key in sorted(data):
        values = data.getlist(key) if hasattr(data, "getlist") else [data[key]]
        shape[key] = [
            f"file:{v.name}:{v.size}" if hasattr(v, "read") else json.dumps(v, sort_keys=True)
            for v in values
        ]
    return hashlib.sha256(json.dumps(shape, sort_keys=True).encode()).hexdigest()


class KeyReusedError(ApplicationError):
    status_code = 422


def ticket_create_once(
    *, actor: User, key: str, fingerprint: str = "", **fields
) -> tuple[Ticket, bool]:
    """ticket_create, at most once per (actor, key): (ticket, created).

    A repeat of the key returns the ticket made the first time; with a different request body
    (`fingerprint`) it is refused. Two simultaneous requests with one key: the unique index
    makes the second wait for the first and then find its ticket.
    """
    key = (key or "").strip()
    if not key or len(key) > 200:
        raise ApplicationError(
            _("The idempotency key must be 1 to 200 characters."), {"code": "bad_key"}
        )
    seen = CreateRequest.objects.filter(user=actor, key=key).select_related("ticket").first()
    if seen is None:
        try:
            with transaction.atomic():
                # Unwrapped: this block is the transaction, a savepoint inside it buys nothing
                # (any error rolls all of it back) and costs two round trips.
                ticket = ticket_create.__wrapped__(actor=actor, **fields)
                CreateRequest.objects.create(
                    user=actor, key=key, fingerprint=fingerprint, ticket=ticket
                )
                return ticket, True
        except IntegrityError:
            seen = (
                CreateRequest.objects.filter(user=actor, key=key).select_related("ticket").first()
            )
            if seen is None:
                raise
    if seen.fingerprint != fingerprint:
        raise KeyReusedError(
            _("This idempotency key was already used for a different request."),
            {"code": "idempotency_key_reused", "ticket": seen.ticket.reference},
        )
    return seen.ticket, False


def tickets_auto_close(*, now=None) -> int:
    """Close tickets resolved more than TICKET_AUTO_CLOSE_DAYS ago (periodic task)."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.TICKET_AUTO_CLOSE_DAYS)
    closed = 0
    due = Ticket.objects.filter(status=Status.RESOLVED, resolved_at__lte=cutoff).values_list(
        "pk", flat=True
    )
    for pk in list(due[:1000]):
        with transaction.atomic():
            ticket = Ticket.objects.select_for_update().get(pk=pk)
            if ticket.status != Status.RESOLVED or ticket.resolved_at > cutoff:
                continue  # reopened meanwhile
            ticket.status, ticket.closed_at = Status.CLOSED, now
            _save(ticket, ["status", "closed_at"])
            change_record(
                ticket,
                None,
                TicketEvent.Kind.STATUS,
                "status",
                Status.RESOLVED,
                Status.CLOSED,
                body=f"auto-close after {settings.TICKET_AUTO_CLOSE_DAYS} days",
            )
            _changed(ticket, None, "status", now)
            closed += 1
    return closed


def tickets_bulk(
    *, actor: User, tickets, versions: dict[int, int], action, **kwargs
) -> tuple[list[Ticket], list[str]]:
    """Apply one service to many tickets, each against the version the person saw (`versions`,
    ticket id -> version). Each runs in its own transaction: stale or refused tickets are
    reported one by one and left as they are; the others are changed."""
    done, errors = [], []
    for ticket in tickets:
        try:
            done.append(
                action(actor=actor, ticket=ticket, expected_version=versions[ticket.pk], **kwargs)
            )
        except ConflictError:
            errors.append(
                _(
                    "%(ref)s was changed by someone else after the queue was loaded and was left "
                    "as it is: reload to see the change."
                )
                % {"ref": ticket.reference}
            )
        except (ApplicationError, PermissionDenied) as exc:
            errors.append(f"{ticket.reference}: {getattr(exc, 'message', exc)}")
    return done, errors


# System changes: made by rules (SLA escalation), not by a person. No actor, so no permission
# check; the rule is named in the event body. The caller may already hold the row lock.


@transaction.atomic
def ticket_system_raise_priority(*, ticket: Ticket, reason: str, now) -> Ticket:
    """One priority step up (P3 → P2); a P1 ticket is left as it is. Clocks follow."""
    ticket = ticket_lock(ticket=ticket)
    if ticket.priority <= Priority.P1:
        return ticket
    old = ticket.priority
    ticket.priority = old - 1
    _save(ticket, ["priority"])
    change_record(
        ticket,
        None,
        TicketEvent.Kind.PRIORITY,
        "priority",
        f"P{old}",
        f"P{ticket.priority}",
        reason,
    )
    _changed(ticket, None, "priority", now)
    return ticket


@transaction.atomic
def ticket_system_assign_team(*, ticket: Ticket, team: Team, reason: str, now) -> Ticket:
    """Hand an open ticket to `team`, which must serve its client; the assignee stays."""
    ticket = ticket_lock(ticket=ticket)
    if team.pk == ticket.team_id:
        return ticket
    if not team.clients.filter(pk=ticket.client_id).exists():
        raise ApplicationError(_("Team %(team)s does not serve this client.") % {"team": team.name})
    old = ticket.team.name if ticket.team_id else ""
    ticket.team = team
    _save(ticket, ["team"])
    change_record(ticket, None, TicketEvent.Kind.ASSIGNED, "team", old, team.name, reason)
    _changed(ticket, None, "assigned", now)
    return ticket
