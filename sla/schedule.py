"""Instants and ledger of one clock, computed from its own fields and a calendar spec (no DB).

A clock's due instant is always recomputed from `started_at` with every recorded pause, so
elapsed business time and paused time both survive pauses, reopenings and re-targets.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from .calendar import (
    PAUSED,
    CalendarError,
    CalendarSpec,
    breach_instant,
    business_deadline,
    business_minutes_between,
    business_spans,
)
from .models import SlaClock

PAUSE_WAITING = "waiting"  # the ticket waited on the user
PAUSE_RESOLVED = "resolved"  # between resolution and reopening
_LOOKAHEAD = timedelta(days=31)
_LOOKAHEAD_STEPS = 12


@dataclass(frozen=True, slots=True)
class LedgerLine:
    """A stretch of the clock's life and why it did or did not count."""

    start: datetime
    end: datetime
    counted: bool
    reason: str  # calendar.WORKING/OUTSIDE_HOURS/WEEKEND/HOLIDAY or a pause reason

    @property
    def minutes(self) -> float:
        return (self.end - self.start).total_seconds() / 60


def pause_entry(start: datetime, end: datetime, reason: str) -> dict:
    return {"start": start.isoformat(), "end": end.isoformat(), "reason": reason}


def percent_instant(clock: SlaClock, spec: CalendarSpec, percent: float) -> datetime:
    minutes = clock.target_minutes * percent / 100
    return business_deadline(spec, clock.started_at, minutes, clock.pause_intervals())


def is_breached(clock: SlaClock, at: datetime) -> bool:
    """The one rule: at `at` more than the target is used. Stops and the sweep both ask this
    (the sweep's conditional UPDATE spells the same comparison in SQL: breach_at < now)."""
    # In UTC: within one zone, aware datetimes compare wall times and a repeated hour misorders.
    return at.astimezone(UTC) > clock.breach_at.astimezone(UTC)


def elapsed_minutes(clock: SlaClock, spec: CalendarSpec, until: datetime) -> float:
    """Business minutes counted from the start to `until`, pauses (also an open one) excluded."""
    pauses = clock.pause_intervals()
    if clock.paused_since is not None and clock.paused_since < until:
        pauses.append((clock.paused_since, until))
    return business_minutes_between(spec, clock.started_at, until, pauses)


def reschedule(
    clock: SlaClock, spec: CalendarSpec, pending_percents: Iterable[float], *, now: datetime
) -> None:
    """Recompute due/breach/warning instants and the next check; re-arm a warning pushed later.

    A paused clock gets the instants it would have if it resumed at `paused_since`; they are
    recomputed on resume and a paused clock is never swept.
    """
    clock.due_at = percent_instant(clock, spec, 100)
    clock.breach_at = breach_instant(
        spec, clock.started_at, clock.target_minutes, clock.pause_intervals()
    )
    clock.warn_at = percent_instant(clock, spec, clock.warning_percent)
    if clock.is_running and clock.warned_at and not clock.breached_at and clock.warn_at > now:
        clock.warned_at = None  # a longer target earns a fresh warning before the new due
    pending = [percent_instant(clock, spec, p) for p in pending_percents if clock.is_running]
    clock.next_check_at = next_check(clock, pending)


def next_check(clock: SlaClock, pending_instants: Iterable[datetime]) -> datetime | None:
    """Earliest pending trigger of a running clock, else None (the sweep never sees it)."""
    if not clock.is_running:
        return None
    instants = list(pending_instants)
    if clock.warned_at is None:
        instants.append(clock.warn_at)
    if clock.breached_at is None:
        instants.append(clock.breach_at)
    return min(instants, default=None)


def clock_ledger(clock: SlaClock, spec: CalendarSpec, now: datetime) -> list[LedgerLine]:
    """Business-time spans of the clock's life (to its stop, or `now`), pauses named by reason."""
    end = clock.stopped_at or now
    if end <= clock.started_at:
        return []
    pauses = [
        (start, stop, entry["reason"])
        for (start, stop), entry in zip(clock.pause_intervals(), clock.pauses, strict=True)
    ]
    if clock.paused_since is not None and clock.paused_since < end:
        pauses.append((clock.paused_since, end, PAUSE_WAITING))
    spans = business_spans(spec, clock.started_at, end, [(go, stop) for go, stop, _ in pauses])
    lines = []
    for span in spans:
        if span.reason != PAUSED:
            lines.append(LedgerLine(span.start, span.end, span.counted, span.reason))
            continue
        # Touching pauses of different reasons merge into one span; split it back.
        for go, stop, reason in sorted(pauses):
            go, stop = max(go, span.start), min(stop, span.end)
            if go < stop:
                lines.append(LedgerLine(go, stop, False, reason))
    return lines


def next_working_instant(spec: CalendarSpec, at: datetime) -> datetime:
    """`at` itself inside working hours, else the start of the next working stretch."""
    start = at
    for _ in range(_LOOKAHEAD_STEPS):
        for span in business_spans(spec, start, start + _LOOKAHEAD):
            if span.counted:
                return span.start
        start += _LOOKAHEAD
    raise CalendarError(f"no working time within a year after {at.isoformat()}")
