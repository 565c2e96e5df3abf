"""Writes of the SLA engine: follow ticket changes, re-target, load holidays, sweep due clocks."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection, transaction
from django.db.models import Case, DateTimeField, F, Value, When
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.models import Client, User
from tickets.models import Status, Ticket, TicketEvent
from tickets.querysets import OPEN_STATUSES

from . import escalation
from .clocks import (
    breach_line,
    clock_pause,
    clock_restart,
    clock_resume,
    clock_stop,
    clocks_start,
    pending_percents_by_kind,
    rules_matching,
    ticket_clocks_retarget,
    ticket_sla_due_write,
    warning_line,
)
from .models import BusinessCalendar, CalendarDay, EscalationRule, ServiceTier, SlaClock
from .official_days import cn_official_rows
from .schedule import next_check, percent_instant

SWEEP_BATCH = 500
CANDIDATE_BATCHES = 4  # candidates read per batch, so concurrent sweeps find unlocked ones
Trigger = EscalationRule.Trigger


def clocks_sync(*, ticket: Ticket, actor: User | None, change: str, now: datetime) -> None:
    """Bring the ticket's clocks in line with the ticket (receiver of tickets' ticket_changed).

    Runs in the ticket service's transaction, which holds the ticket's row lock. The clocks follow
    the ticket's state rather than the kind of change, so e.g. a requester's reply that ends
    "waiting" resumes them like a status change does.
    """
    if change == "created":
        clocks_start(ticket=ticket, now=now)
        return
    clocks = list(ticket.sla_clocks.select_for_update().select_related("calendar"))
    if not clocks:
        return  # filed before the SLA engine existed, or no tier at all
    dirty = set()
    live = [clock for clock in clocks if clock.stopped_at is None]
    if change == "priority" and live and live[0].priority != ticket.priority:
        reason = _("priority P%(old)s → P%(new)s") % {
            "old": live[0].priority,
            "new": ticket.priority,
        }
        dirty.update(
            ticket_clocks_retarget(
                ticket=ticket, clocks=clocks, actor=actor, reason=reason, now=now
            )
        )
    dirty.update(_follow_status(ticket, clocks, now))
    for clock in dirty:
        clock.save()
    ticket_sla_due_write(ticket, clocks)


def _follow_status(ticket: Ticket, clocks: list[SlaClock], now: datetime) -> set[SlaClock]:
    """Stop, restart, pause or resume clocks for the ticket's state; returns those changed.

    Response stops at the first public staff reply (or when the ticket is resolved without one);
    resolution stops at resolved and runs again on reopen; cancelled or closed stops both; both
    pause while the ticket waits on the user.
    """
    by_kind = {clock.kind: clock for clock in clocks}
    response, resolution = (
        by_kind.get(SlaClock.Kind.RESPONSE),
        by_kind.get(SlaClock.Kind.RESOLUTION),
    )
    status, changed, lines = ticket.status, set(), []
    pending: dict[str, list[int]] | None = None

    def stop(clock: SlaClock, at: datetime, completes: bool) -> None:
        line = clock_stop(clock, clock.calendar.spec(), at=at, completes=completes, now=now)
        lines.extend([line] if line else [])
        changed.add(clock)

    if response and response.stopped_at is None:
        if ticket.first_response_at:
            stop(response, ticket.first_response_at, True)
        elif status in (Status.RESOLVED, Status.CLOSED, Status.CANCELLED):
            stop(response, now, status != Status.CANCELLED)
    if resolution and resolution.stopped_at is None:
        if status in (Status.RESOLVED, Status.CLOSED):
            stop(resolution, ticket.resolved_at or now, True)
        elif status == Status.CANCELLED:
            stop(resolution, now, False)
    elif resolution and status in OPEN_STATUSES:
        pending = pending_percents_by_kind(clocks)
        clock_restart(
            resolution, resolution.calendar.spec(), pending.get(resolution.kind, ()), now=now
        )
        changed.add(resolution)
    for clock in clocks:
        if clock.stopped_at is not None:
            continue
        if status == Status.WAITING and clock.paused_since is None:
            clock_pause(clock, clock.calendar.spec(), now=now)
            changed.add(clock)
        elif status != Status.WAITING and clock.paused_since is not None:
            pending = pending if pending is not None else pending_percents_by_kind(clocks)
            clock_resume(clock, clock.calendar.spec(), pending.get(clock.kind, ()), now=now)
            changed.add(clock)
    if lines:
        TicketEvent.objects.bulk_create(
            [_sla_event(ticket.pk, ticket.client_id, line) for line in lines]
        )
    return changed


def _sla_event(ticket_id: int, client_id: int, body: str, *, internal: bool = False) -> TicketEvent:
    return TicketEvent(
        ticket_id=ticket_id,
        client_id=client_id,
        actor=None,
        kind=TicketEvent.Kind.SLA,
        body=body,
        is_internal=internal,
    )


def tier_retarget_open_tickets(*, tier: ServiceTier, now: datetime | None = None) -> int:
    """Re-target open tickets whose running clocks use `tier` (its targets or calendar changed).

    Closed and resolved tickets keep what applied. Returns the number of tickets re-targeted.
    """
    ids = SlaClock.objects.filter(tier=tier, stopped_at__isnull=True).values_list("ticket_id")
    reason = _("tier “%(tier)s” changed") % {"tier": tier.name}
    return _retarget_tickets(Ticket.objects.open().filter(pk__in=ids), reason, now)


def client_retarget_open_tickets(*, client: Client, now: datetime | None = None) -> int:
    """Re-target the client's open tickets after its tier assignments changed."""
    reason = _("tier assignment of %(client)s changed") % {"client": client.name}
    return _retarget_tickets(Ticket.objects.open().filter(client=client), reason, now)


def calendar_retarget_open_tickets(
    *, calendar: BusinessCalendar, now: datetime | None = None
) -> int:
    """Recompute the due instants of open tickets whose running clocks use `calendar`."""
    ids = SlaClock.objects.filter(calendar=calendar, stopped_at__isnull=True).values_list(
        "ticket_id"
    )
    reason = _("calendar “%(calendar)s” changed") % {"calendar": calendar.name}
    return _retarget_tickets(Ticket.objects.open().filter(pk__in=ids), reason, now)


def _retarget_tickets(tickets, reason: str, now: datetime | None) -> int:
    now = now or timezone.now()
    count = 0
    for pk in list(tickets.values_list("pk", flat=True)):
        with transaction.atomic():
            ticket = (
                Ticket.objects.select_for_update().filter(pk=pk, status__in=OPEN_STATUSES).first()
            )
            if ticket is None:
                continue  # closed meanwhile: it keeps what applied
            clocks = list(ticket.sla_clocks.select_for_update().select_related("calendar"))
            changed = ticket_clocks_retarget(
                ticket=ticket, clocks=clocks, actor=None, reason=reason, now=now
            )
            for clock in changed:
                clock.save()
            ticket_sla_due_write(ticket, clocks)
            count += bool(changed)
    return count


@transaction.atomic
def calendar_days_load(*, calendar: BusinessCalendar, year: int) -> int:
    """Create or update `calendar`'s days of `year` from China's official data; re-target.

    Days the admin added by hand (e.g. a company holiday) are kept. Raises CalendarError naming
    the covered years when the installed data has no such year. Returns the days written.
    """
    rows = cn_official_rows(year)
    existing = {day.date: day for day in calendar.days.filter(date__year=year)}
    written = 0
    for date, kind, name in rows:
        day = existing.get(date) or CalendarDay(calendar=calendar, date=date)
        if day.pk and (day.kind, day.name) == (kind, name):
            continue
        day.kind, day.name = kind, name
        day.save()
        written += 1
    if written:
        calendar.save(update_fields=["updated_at"])  # every process rebuilds its spec
        calendar_retarget_open_tickets(calendar=calendar)
    return written


class SweepConflictError(RuntimeError):
    """A clock read under lock changed before the flag UPDATE: roll the batch back, never guess."""


def sla_sweep(*, now: datetime) -> int:
    """Flag every warning, breach and percent trigger due by `now`, once, at its true instant.

    Safe under concurrent sweeps, retries and catch-up after an outage: tickets are locked first
    (the order ticket services use, so no deadlock) with SKIP LOCKED, then their due clocks, and
    the flags are written by one conditional UPDATE per batch whose row count must match. A
    ticket a ticket service holds right now is left to the next sweep, which still dates its
    flags at their true instants. Paused and stopped clocks have no next_check_at, so they are
    never flagged. Then sends the held notifications that are due. Returns the clocks flagged.
    """
    rules = escalation.active_rules()
    flagged = 0
    while True:
        with transaction.atomic():
            # The partial index of due clocks names the candidates, so cost follows due clocks
            # only; SKIP LOCKED with LIMIT then hands concurrent sweeps disjoint batches.
            candidates = set(
                SlaClock.objects.due_for_check(now).values_list("ticket_id", flat=True)[
                    : SWEEP_BATCH * CANDIDATE_BATCHES
                ]
            )
            ticket_ids = (
                list(
                    Ticket.objects.select_for_update(skip_locked=True, no_key=True)
                    .filter(pk__in=candidates)
                    .order_by()
                    .values_list("pk", flat=True)[:SWEEP_BATCH]
                )
                if candidates
                else []
            )
            if ticket_ids:
                flagged += _sweep_tickets(ticket_ids, rules, now)
        if len(ticket_ids) < SWEEP_BATCH:
            break
    escalation.held_notifications_send(now=now)
    return flagged


@dataclass
class _Flags:
    """What one clock gets from this sweep."""

    clock: SlaClock
    percent_pending: bool = False  # next_check_at then comes from a percent rule's instant
    events: list[TicketEvent] = field(default_factory=list)
    firings: list[escalation.Firing] = field(default_factory=list)


def _sweep_tickets(ticket_ids: list[int], rules: list[EscalationRule], now: datetime) -> int:
    """Flag the due clocks of tickets this transaction holds locked."""
    clocks = list(
        SlaClock.objects.select_for_update().filter(
            ticket_id__in=ticket_ids, next_check_at__lte=now
        )
    )
    if not clocks:
        return 0
    # A handful of calendars serve every clock: read each once rather than join it per row.
    calendars = BusinessCalendar.objects.in_bulk({clock.calendar_id for clock in clocks})
    for clock in clocks:
        clock.calendar = calendars[clock.calendar_id]
    fired = escalation.fired_pairs([clock.pk for clock in clocks]) if rules else set()
    batch = [_flags(clock, rules_matching(clock, rules), fired, now) for clock in clocks]
    _flags_write(batch, now)
    TicketEvent.objects.bulk_create([event for flags in batch for event in flags.events])
    escalation.escalate(firings=[firing for flags in batch for firing in flags.firings], now=now)
    return sum(1 for flags in batch if flags.events or flags.firings)


def _flags(
    clock: SlaClock, rules: list[EscalationRule], fired: set[tuple[int, int]], now: datetime
) -> _Flags:
    """Decide, on a clock read under lock, what is due by `now`; sets the flags in memory."""
    spec = clock.calendar.spec()
    result = _Flags(clock)
    reached, pending = [], []
    for rule in rules:
        if rule.trigger == Trigger.PERCENT and (clock.pk, rule.pk) not in fired:
            instant = percent_instant(clock, spec, rule.percent)
            (reached if instant <= now else pending).append((rule, instant))
    warned = clock.warned_at is None and clock.warn_at <= now
    breached = clock.breached_at is None and clock.due_at <= now
    if warned:
        clock.warned_at = clock.warn_at
        result.events.append(
            _sla_event(clock.ticket_id, clock.client_id, warning_line(clock, spec), internal=True)
        )
    if breached:
        clock.breached_at = clock.due_at
        result.events.append(_sla_event(clock.ticket_id, clock.client_id, breach_line(clock, spec)))
    clock.next_check_at = next_check(clock, [instant for _rule, instant in pending])
    result.percent_pending = bool(pending)
    result.firings = [escalation.Firing(rule, clock, instant) for rule, instant in reached]
    for rule in rules:
        if (clock.pk, rule.pk) in fired:
            continue
        if rule.trigger == Trigger.WARNING and warned:
            result.firings.append(escalation.Firing(rule, clock, clock.warned_at))
        elif rule.trigger == Trigger.BREACH and breached:
            result.firings.append(escalation.Firing(rule, clock, clock.breached_at))
    return result


def _flags_write(batch: list[_Flags], now: datetime) -> None:
    """One conditional UPDATE for the batch: each flag only where still unset, dated at the
    clock's own warn/due instant, and only on clocks still pending (next_check_at <= now).

    Every row must match: a clock another sweep already handled would no longer qualify, and
    then the whole batch rolls back rather than flag anything twice.
    """
    clocks = [flags.clock for flags in batch]
    # SET expressions read the row as it was: the next check is the first of warn/due still
    # ahead; clocks waiting on a percent rule get theirs spelled out.
    next_checks = Case(
        *[
            When(pk=f.clock.pk, then=Value(f.clock.next_check_at))
            for f in batch
            if f.percent_pending
        ],
        When(warned_at__isnull=True, warn_at__gt=now, then=F("warn_at")),
        When(breached_at__isnull=True, due_at__gt=now, then=F("due_at")),
        default=None,
        output_field=DateTimeField(),
    )
    if connection.features.requires_casted_case_in_updates:  # PostgreSQL, as bulk_update does
        next_checks = Cast(next_checks, output_field=DateTimeField())
    updated = SlaClock.objects.filter(pk__in=[c.pk for c in clocks], next_check_at__lte=now).update(
        warned_at=Case(
            When(warned_at__isnull=True, warn_at__lte=now, then=F("warn_at")),
            default=F("warned_at"),
        ),
        breached_at=Case(
            When(breached_at__isnull=True, due_at__lte=now, then=F("due_at")),
            default=F("breached_at"),
        ),
        next_check_at=next_checks,
    )
    if updated != len(clocks):
        raise SweepConflictError(
            f"{len(clocks) - updated} of {len(clocks)} clocks changed under lock"
        )
