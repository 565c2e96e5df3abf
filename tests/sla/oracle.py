"""Brute-force business-time oracle stepping one UTC minute at a time (minute-aligned inputs)."""

from collections.abc import Iterator, Sequence
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sla.calendar import CalendarSpec

MINUTE = timedelta(minutes=1)
Pause = tuple[datetime, datetime]


def deadline(
    spec: CalendarSpec,
    start: datetime,
    minutes: int,
    pauses: Sequence[Pause] = (),
    horizon: timedelta = timedelta(days=20),
) -> datetime | None:
    """The UTC instant the `minutes`-th business minute ends, or None if beyond `horizon`."""
    if minutes == 0:
        return start.astimezone(UTC)
    counted = 0
    for instant in _minutes(start, start + horizon):
        if reason(spec, instant, pauses) == "working":
            counted += 1
            if counted == minutes:
                return instant + MINUTE
    return None


def breach_instant(
    spec: CalendarSpec,
    start: datetime,
    minutes: int,
    pauses: Sequence[Pause] = (),
    horizon: timedelta = timedelta(days=20),
) -> datetime | None:
    """The UTC start of the first business minute beyond `minutes` (the first instant after
    which more than `minutes` are used), or None if beyond `horizon`."""
    counted = 0
    for instant in _minutes(start, start + horizon):
        if reason(spec, instant, pauses) == "working":
            if counted == minutes:
                return instant
            counted += 1
    return None


def minutes_between(
    spec: CalendarSpec, start: datetime, end: datetime, pauses: Sequence[Pause] = ()
) -> int:
    """Count the business minutes in [start, end)."""
    return sum(reason(spec, instant, pauses) == "working" for instant in _minutes(start, end))


def spans(
    spec: CalendarSpec, start: datetime, end: datetime, pauses: Sequence[Pause] = ()
) -> list[tuple[datetime, datetime, str]]:
    """The UTC (start, end, reason) ledger of [start, end), adjacent equal reasons merged."""
    ledger: list[tuple[datetime, datetime, str]] = []
    for instant in _minutes(start, end):
        why = reason(spec, instant, pauses)
        if ledger and ledger[-1][2] == why:
            ledger[-1] = (ledger[-1][0], instant + MINUTE, why)
        else:
            ledger.append((instant, instant + MINUTE, why))
    return ledger


def reason(spec: CalendarSpec, instant: datetime, pauses: Sequence[Pause]) -> str:
    """Why the minute starting at `instant` does or does not count, straight from the rules."""
    if any(begin <= instant < end for begin, end in pauses):
        return "paused"
    local = instant.astimezone(ZoneInfo(spec.tz))
    day = local.date()
    if day in spec.holidays:
        return "holiday"
    hours = _hours(spec, day)
    if not hours:
        return "outside_hours" if day in spec.extra_workdays else "weekend"
    minute = local.hour * 60 + local.minute
    return "working" if any(go <= minute < stop for go, stop in hours) else "outside_hours"


def _hours(spec: CalendarSpec, day: date) -> tuple[tuple[int, int], ...]:
    if day in spec.extra_workdays:
        return spec.makeup_hours or next((hours for hours in spec.week if hours), ())
    return spec.week[day.weekday()]


def _minutes(start: datetime, end: datetime) -> Iterator[datetime]:
    instant, end = start.astimezone(UTC), end.astimezone(UTC)
    while instant < end:
        yield instant
        instant += MINUTE
