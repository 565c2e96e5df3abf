"""Reads of the SLA engine for display: a ticket's clocks with their ledger, time-left labels."""

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clients.models import User
from tickets.models import Ticket
from tickets.presenters import time_left_label

from .calendar import HOLIDAY, OUTSIDE_HOURS, WEEKEND, WORKING
from .facts import reason_text
from .models import SlaClock
from .schedule import PAUSE_RESOLVED, PAUSE_WAITING, LedgerLine, clock_ledger, elapsed_minutes

# The queue marks a due instant this close as a warning: it needs no per-ticket tier lookup.
REASON_LABELS = {
    WORKING: gettext_lazy("working time"),
    OUTSIDE_HOURS: gettext_lazy("outside working hours"),
    WEEKEND: gettext_lazy("day off"),
    HOLIDAY: gettext_lazy("holiday"),
    PAUSE_WAITING: gettext_lazy("paused: waiting on the user"),
    PAUSE_RESOLVED: gettext_lazy("stopped: resolved until reopened"),
}


@dataclass(frozen=True)
class LedgerEntry:
    """One line of a clock's ledger: a span of time, or a change of target (start == end)."""

    start: datetime
    end: datetime
    label: str
    counted: bool
    minutes: float | None


@dataclass(frozen=True)
class ClockView:
    kind: str
    kind_label: str
    tier_name: str
    calendar_name: str
    time_zone: str
    target_minutes: int
    started_at: datetime
    due_at: datetime
    state: str  # running | paused | stopped
    used_minutes: float
    target_label: str
    used_label: str
    met: bool | None
    warned_at: datetime | None
    breached_at: datetime | None
    stopped_at: datetime | None
    time_left: str
    css: str
    ledger: list[LedgerEntry]


def sla_clocks_for(*, user: User, ticket: Ticket, now: datetime | None = None) -> list[ClockView]:
    """The ticket's clocks the user may see (client-side people too), with their ledgers."""
    now = now or timezone.now()
    # By kind: the model's order (ticket, then kind) would join the ticket for its own order.
    clocks = (
        SlaClock.objects.visible_to(user)
        .filter(ticket_id=ticket.pk)
        .select_related("calendar")
        .order_by("kind")
    )
    return sorted((_view(clock, now) for clock in clocks), key=lambda view: view.kind != "response")


def _view(clock: SlaClock, now: datetime) -> ClockView:
    spec = clock.calendar.spec()
    zone = ZoneInfo(spec.tz)
    if clock.stopped_at is not None:
        state, used = "stopped", clock.elapsed_minutes
    elif clock.paused_since is not None:
        state, used = "paused", clock.elapsed_minutes
    else:
        state, used = "running", elapsed_minutes(clock, spec, now)
    label, css = _status(clock, state, now)
    return ClockView(
        kind=clock.kind,
        kind_label=clock.kind_label,
        tier_name=clock.tier_name,
        calendar_name=clock.calendar.name,
        time_zone=spec.tz,
        target_minutes=clock.target_minutes,
        started_at=clock.started_at.astimezone(zone),
        due_at=clock.due_at.astimezone(zone),
        state=state,
        used_minutes=round(used, 1),
        target_label=business_minutes_label(clock.target_minutes),
        used_label=business_minutes_label(used),
        met=clock.met,
        warned_at=clock.warned_at and clock.warned_at.astimezone(zone),
        breached_at=clock.breached_at and clock.breached_at.astimezone(zone),
        stopped_at=clock.stopped_at and clock.stopped_at.astimezone(zone),
        time_left=label,
        css=css,
        ledger=_ledger(clock, clock_ledger(clock, spec, now), zone),
    )


def business_minutes_label(minutes: float) -> str:
    """Business time with its unit: "45 min", "3 h", "2 h 30 min" (days would mislead: a business
    day is the calendar's hours, not 24)."""
    hours, rest = divmod(int(round(minutes)), 60)
    if hours and rest:
        return _("%(h)s h %(m)s min") % {"h": hours, "m": rest}
    if hours:
        return _("%(h)s h") % {"h": hours}
    return _("%(m)s min") % {"m": rest}


def _status(clock: SlaClock, state: str, now: datetime) -> tuple[str, str]:
    if state == "stopped":
        if clock.met is True:
            return _("met"), "met"
        if clock.met is False:
            return _("breached"), "overdue"
        return _("stopped"), ""
    if state == "paused":
        return _("paused"), "paused"
    label, css = time_left_label(clock.due_at, now)
    if clock.warned_at and css == "":
        css = "warning"
    return label, css


def _ledger(clock: SlaClock, lines: list[LedgerLine], zone: ZoneInfo) -> list[LedgerEntry]:
    entries = [
        LedgerEntry(
            start=line.start.astimezone(zone),
            end=line.end.astimezone(zone),
            label=str(REASON_LABELS.get(line.reason, line.reason)),
            counted=line.counted,
            minutes=round(line.minutes, 1),
        )
        for line in lines
    ]
    for change in clock.history:
        at = datetime.fromisoformat(change["at"]).astimezone(zone)
        label = _("target %(old)s → %(new)s business minutes (%(reason)s)") % {
            **change,
            "reason": reason_text(change["reason"]),
        }
        entries.append(LedgerEntry(start=at, end=at, label=label, counted=False, minutes=None))
    return sorted(entries, key=lambda entry: (entry.start, entry.minutes is not None))


SLA_STATES = ("running", "met", "breached")


def tickets_by_sla_state(rows, state: str):
    """Narrow a ticket queryset by SLA state, in the same query (correlated EXISTS):
    breached - a clock used more than its target (recorded breaches stay recorded);
    running - a clock still runs and none is breached;
    met - every clock stopped within its target (cancelled tickets' clocks count neither way)."""
    clocks = SlaClock.objects.filter(ticket_id=OuterRef("pk"))
    breached = Exists(clocks.filter(breached_at__isnull=False))
    running = Exists(clocks.filter(stopped_at__isnull=True))
    if state == "breached":
        return rows.filter(breached)
    if state == "running":
        return rows.filter(running, ~breached)
    missed = Exists(clocks.filter(met=False))
    return rows.filter(Exists(clocks.filter(met=True)), ~running, ~breached, ~missed)
