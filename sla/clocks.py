"""Writing clocks: start, pause, resume, stop, restart, re-target, and the ticket's sla_due_at.

Callers hold the ticket's row lock (ticket services, the sweep, the re-target services), so a
ticket's clocks are only ever written by one transaction at a time.
"""

import logging
from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from clients.models import User
from itsm.config_cache import cached
from tickets.models import Ticket, TicketEvent
from tickets.services import event_record

from .calendar import CalendarSpec
from .facts import BREACH, RETARGET, WARNING, instant_fact
from .models import EscalationRule, RuleFiring, SlaClock, TierTarget
from .schedule import (
    PAUSE_RESOLVED,
    PAUSE_WAITING,
    elapsed_minutes,
    is_breached,
    pause_entry,
    reschedule,
)
from .tiers import tier_for, tier_for_new_ticket, tier_target, tier_target_cached

log = logging.getLogger(__name__)


def local_label(moment: datetime, spec: CalendarSpec) -> str:
    """An instant as people of the calendar read it, e.g. "2026-03-02 14:00 CST"."""
    return f"{moment.astimezone(ZoneInfo(spec.tz)):%Y-%m-%d %H:%M %Z}"


def rules_matching(clock: SlaClock, rules: Iterable[EscalationRule]) -> list[EscalationRule]:
    return [
        rule
        for rule in rules
        if rule.clock_kind == clock.kind
        and rule.tier_id in (None, clock.tier_id)
        and rule.priority in (None, clock.priority)
    ]


def _percent_rules() -> list[EscalationRule]:
    return list(
        EscalationRule.objects.filter(is_active=True, trigger=EscalationRule.Trigger.PERCENT)
    )


def pending_percents_by_kind(
    clocks: list[SlaClock], *, rules: list[EscalationRule] | None = None
) -> dict[str, list[int]]:
    """Percents of active percent rules not yet fired, per clock kind (one query if none)."""
    rules = _percent_rules() if rules is None else rules
    if not rules:
        return {}
    saved = [clock.pk for clock in clocks if clock.pk]
    fired = set(RuleFiring.objects.filter(clock__in=saved).values_list("clock_id", "rule_id"))
    return {
        clock.kind: [
            rule.percent
            for rule in rules_matching(clock, rules)
            if (clock.pk, rule.pk) not in fired
        ]
        for clock in clocks
    }


def _target_minutes(target: TierTarget, kind: str) -> int:
    if kind == SlaClock.Kind.RESPONSE:
        return target.response_minutes
    return target.resolution_minutes


# Clocks planned for a ticket not inserted yet (clocks_plan), saved by clocks_start.
PLANNED = "_sla_planned_clocks"


def clocks_plan(*, ticket: Ticket, now: datetime) -> list[SlaClock]:
    """The clocks a new ticket gets, unsaved, and its sla_due_at set from them.

    Runs before the ticket row is inserted (tickets' ticket_creating signal), so the row is
    written once with its due instant. Reads tiers, targets and rules from this process's
    copies (itsm.config_cache): a warm process plans without a query.
    """
    tier = tier_for_new_ticket(ticket=ticket)
    if tier is None:
        log.warning(
            "no tier applies to a ticket of client %s and no default tier exists: no SLA",
            ticket.client_id,
        )
        setattr(ticket, PLANNED, [])
        return []
    target = tier_target_cached(tier=tier, priority=ticket.priority)
    spec = tier.calendar.spec()
    clocks = [
        SlaClock(
            client_id=ticket.client_id,
            kind=kind,
            tier=tier,
            tier_name=tier.name,
            calendar=tier.calendar,
            priority=ticket.priority,
            target_minutes=_target_minutes(target, kind),
            warning_percent=tier.warning_percent,
            started_at=now,
        )
        for kind in SlaClock.Kind.values
    ]
    rules = cached(("sla.percent-rules",), _percent_rules)
    pending = pending_percents_by_kind(clocks, rules=rules)
    for clock in clocks:
        reschedule(clock, spec, pending.get(clock.kind, ()), now=now)
    ticket.sla_due_at = min((clock.due_at for clock in clocks if clock.is_running), default=None)
    setattr(ticket, PLANNED, clocks)
    return clocks


def clocks_start(*, ticket: Ticket, now: datetime) -> list[SlaClock]:
    """Start the response and resolution clocks of a new ticket under the tier that applies.

    Saves the clocks clocks_plan prepared before the insert (one INSERT for both); plans them
    now for a ticket inserted without that step.
    """
    clocks = ticket.__dict__.pop(PLANNED, None)
    if clocks is None:
        stored_due = ticket.sla_due_at
        clocks = clocks_plan(ticket=ticket, now=now)
        ticket.__dict__.pop(PLANNED, None)
        ticket.sla_due_at = stored_due  # what the row holds, so the write below updates it
    for clock in clocks:
        clock.ticket = ticket
    SlaClock.objects.bulk_create(clocks)
    ticket_sla_due_write(ticket, clocks)
    return clocks


def clock_pause(clock: SlaClock, spec: CalendarSpec, *, now: datetime) -> None:
    clock.elapsed_minutes = elapsed_minutes(clock, spec, now)
    clock.paused_since = now
    clock.next_check_at = None


def clock_resume(
    clock: SlaClock, spec: CalendarSpec, pending: Iterable[int], *, now: datetime
) -> None:
    if now > clock.paused_since:
        clock.pauses = [*clock.pauses, pause_entry(clock.paused_since, now, PAUSE_WAITING)]
    clock.paused_since = None
    reschedule(clock, spec, pending, now=now)


def clock_restart(
    clock: SlaClock, spec: CalendarSpec, pending: Iterable[int], *, now: datetime
) -> None:
    """Run a stopped resolution clock again (reopen); the resolved time never counts.

    A breach stays recorded: `breached_at` is kept and the clock can no longer be met.
    """
    clock.pauses = [*clock.pauses, pause_entry(clock.stopped_at, now, PAUSE_RESOLVED)]
    clock.stopped_at = None
    clock.met = None
    reschedule(clock, spec, pending, now=now)


def clock_stop(
    clock: SlaClock, spec: CalendarSpec, *, at: datetime, completes: bool, now: datetime
) -> dict | None:
    """Stop at `at`; met iff `completes` and at most the target was used (is_breached).

    `completes` is false for a cancelled ticket: its clock is neither met nor missed unless it
    was already late. Returns a timeline line when the stop reveals a breach the sweep had not
    flagged yet; the breach is dated at the breach instant, like the sweep would.
    """
    if clock.paused_since is not None:
        if at > clock.paused_since:
            clock.pauses = [*clock.pauses, pause_entry(clock.paused_since, at, PAUSE_WAITING)]
        clock.paused_since = None
    clock.stopped_at = at
    reschedule(clock, spec, (), now=now)
    clock.elapsed_minutes = elapsed_minutes(clock, spec, at)
    line = None  # the facts of a breach entry, if the stop reveals one
    if clock.breached_at is None and is_breached(clock, at):
        clock.breached_at = clock.breach_at
        line = breach_line(clock, spec)
    clock.met = False if clock.breached_at else (True if completes else None)
    return line


def ticket_clocks_retarget(
    *, ticket: Ticket, clocks: list[SlaClock], actor: User | None, reason: dict, now: datetime
) -> list[SlaClock]:
    """Apply the tier and targets that apply now to the ticket's unstopped clocks.

    Business time already elapsed and every pause are kept: the due instant is recomputed from
    the start with all recorded pauses. Stopped clocks keep what applied. Records one SLA event
    when a target or due instant moved; returns the clocks that changed (caller saves them).
    """
    live = [clock for clock in clocks if clock.stopped_at is None]
    tier = tier_for(ticket=ticket) if live else None
    if tier is None:
        return []
    target = tier_target(tier=tier, priority=ticket.priority)
    spec = tier.calendar.spec()
    pending = pending_percents_by_kind(live)
    changed, changes = [], []
    for clock in live:
        before = (clock.target_minutes, clock.due_at, clock.tier_name)
        clock.tier, clock.tier_name, clock.calendar = tier, tier.name, tier.calendar
        clock.priority, clock.warning_percent = ticket.priority, tier.warning_percent
        clock.target_minutes = _target_minutes(target, clock.kind)
        reschedule(clock, spec, pending.get(clock.kind, ()), now=now)
        if clock.is_running:
            clock.elapsed_minutes = elapsed_minutes(clock, spec, now)
        if (clock.target_minutes, clock.due_at, clock.tier_name) == before:
            continue
        clock.history = [
            *clock.history,
            {
                "at": now.isoformat(),
                "old": before[0],
                "new": clock.target_minutes,
                "reason": reason,
            },
        ]
        changed.append(clock)
        changes.append(
            {
                "kind": clock.kind,
                "old": before[0],
                "new": clock.target_minutes,
                "due": instant_fact(clock.due_at, spec.tz),
            }
        )
    if changes:
        event_record(
            ticket=ticket,
            actor=actor,
            kind=TicketEvent.Kind.SLA,
            data={"fact": RETARGET, "reason": reason, "changes": changes},
        )
    return changed


def ticket_sla_due_write(ticket: Ticket, clocks: list[SlaClock]) -> None:
    """Keep ticket.sla_due_at = earliest due of its running clocks (NULL if none runs).

    A queryset update: the ticket's version and updated_at are not the SLA engine's to bump.
    """
    due = min((clock.due_at for clock in clocks if clock.is_running), default=None)
    if ticket.sla_due_at != due:
        Ticket.objects.filter(pk=ticket.pk).update(sla_due_at=due)
        ticket.sla_due_at = due


def warning_line(clock: SlaClock, spec: CalendarSpec) -> dict:
    """The facts of a warning entry (sla.facts words them when shown)."""
    return {
        "fact": WARNING,
        "kind": clock.kind,
        "percent": clock.warning_percent,
        "target": clock.target_minutes,
        "at": instant_fact(clock.warn_at, spec.tz),
        "due": instant_fact(clock.due_at, spec.tz),
    }


def breach_line(clock: SlaClock, spec: CalendarSpec) -> dict:
    """The facts of a breach entry, dated at the breach instant."""
    return {
        "fact": BREACH,
        "kind": clock.kind,
        "at": instant_fact(clock.breached_at, spec.tz),
        "target": clock.target_minutes,
    }
