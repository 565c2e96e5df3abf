"""Business-time arithmetic on weekly hours with holidays and make-up working days."""

import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from itertools import pairwise
from typing import NamedTuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def gettext_noop(message: str) -> str:
    """Marks a message for extraction (makemessages); translation happens in the caller."""
    return message


Interval = tuple[int, int]
DayHours = tuple[Interval, ...]
Pause = tuple[datetime, datetime]
# (start, end, reason): microseconds on the UTC axis, or minutes of one local day.
_Segment = tuple[int, int, str]

DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MINUTES_PER_DAY = 1440

WORKING = "working"
OUTSIDE_HOURS = "outside_hours"
WEEKEND = "weekend"
HOLIDAY = "holiday"
PAUSED = "paused"

_US_PER_SECOND = 1_000_000
_US_PER_MINUTE = 60 * _US_PER_SECOND
_DAY_US = MINUTES_PER_DAY * _US_PER_MINUTE
_ONE_US = timedelta(microseconds=1)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
# A deadline further away than this is a calendar misconfiguration, not a real SLA.
_SEARCH_YEARS = 20
_SEARCH_US = _SEARCH_YEARS * 366 * _DAY_US
# Real zones never change their UTC offset twice within this span, so probing at this
# spacing finds every transition.
_PROBE_SECONDS = 6 * 3600
_INTERVAL_RE = re.compile(r"\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*")


class CalendarError(ValueError):
    """A business calendar is invalid or has no working time to offer.

    `template` (marked for translation, English by default) and `params` let callers with a
    language active show the message translated: `gettext(exc.template) % exc.params`.
    """

    def __init__(self, template: str, **params):
        self.template, self.params = template, params
        super().__init__(template % params)


# Where an interval problem was found; translated with the message that names it.
WHERE_DAY = {
    day: text
    for day, text in zip(
        ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
        (
            gettext_noop(" on Monday"),
            gettext_noop(" on Tuesday"),
            gettext_noop(" on Wednesday"),
            gettext_noop(" on Thursday"),
            gettext_noop(" on Friday"),
            gettext_noop(" on Saturday"),
            gettext_noop(" on Sunday"),
        ),
        strict=True,
    )
}
WHERE_MAKEUP = gettext_noop(" in make-up hours")


@dataclass(frozen=True)
class CalendarSpec:
    """A business calendar; frozen and hashable so per-day results can be cached."""

    tz: str
    week: tuple[DayHours, ...]
    holidays: frozenset[date] = frozenset()
    extra_workdays: frozenset[date] = frozenset()
    makeup_hours: DayHours = ()


@dataclass(frozen=True, slots=True)
class Span:
    """One line of the business-time ledger: [start, end) and why it did or did not count."""

    start: datetime
    end: datetime
    counted: bool
    reason: str

    @property
    def minutes(self) -> float:
        """Real elapsed minutes; plain `end - start` in one zone is wall-clock time across DST."""
        return (self.end.astimezone(UTC) - self.start.astimezone(UTC)) / timedelta(minutes=1)


class _Bucket(NamedTuple):
    """Working time and full ledger of one UTC day, as microsecond segments."""

    working: tuple[_Segment, ...]
    ledger: tuple[_Segment, ...]


def validate_spec(spec: CalendarSpec) -> None:
    """Raise CalendarError describing the first problem found in `spec`."""
    _zone(spec.tz)
    if len(spec.week) != len(DAY_NAMES):
        raise CalendarError(
            gettext_noop("week must have 7 entries (Monday..Sunday), got %(count)s"),
            count=len(spec.week),
        )
    for name, hours in zip(DAY_NAMES, spec.week, strict=True):
        _checked_hours(hours, WHERE_DAY[name])
    _checked_hours(spec.makeup_hours, WHERE_MAKEUP)


def parse_intervals(text: str) -> DayHours:
    """Parse "09:00-12:00, 13:00-18:00" into sorted minute intervals; blank means no hours."""
    if not text.strip():
        return ()
    intervals = tuple(_parse_interval(part) for part in text.split(","))
    return _checked_hours(intervals, "")


def format_intervals(hours: Iterable[Interval]) -> str:
    """Format minute intervals as "09:00-12:00, 13:00-18:00"."""
    return ", ".join(f"{_hhmm(start)}-{_hhmm(end)}" for start, end in hours)


def business_deadline(
    spec: CalendarSpec,
    start: datetime,
    minutes: float,
    pauses: Iterable[Pause] = (),
) -> datetime:
    """Return the earliest instant, in the calendar's zone, by which `minutes` have elapsed.

    Raises CalendarError when the calendar offers no such time within 20 years.
    """
    return _walk(spec, start, minutes, pauses, past=False)


def breach_instant(
    spec: CalendarSpec,
    start: datetime,
    minutes: float,
    pauses: Iterable[Pause] = (),
) -> datetime:
    """Return the instant after which more than `minutes` have elapsed: a target is breached
    at any later instant and met at any instant up to and including this one.

    That is the deadline itself when business time runs on right after it, otherwise the start
    of the next counted stretch (a deadline at 18:00 before a holiday is breached only when
    work resumes). Raises CalendarError like business_deadline.
    """
    return _walk(spec, start, minutes, pauses, past=True)


def _walk(
    spec: CalendarSpec, start: datetime, minutes: float, pauses: Iterable[Pause], *, past: bool
) -> datetime:
    """Walk counted time from `start` until `minutes` are used (`past`: and then some)."""
    calendar = _calendar(spec)
    need = _minutes_to_us(minutes)
    origin = _to_us(start, "start")
    paused = _normalise_pauses(pauses)
    if need == 0 and not past:
        return start.astimezone(calendar.zone)
    if not calendar.has_working_time:
        raise CalendarError(gettext_noop("the calendar has no working time at all"))
    for begin, end in calendar.counted(origin, origin + _SEARCH_US, paused):
        # Used time grows only inside counted stretches: it first exceeds the target inside one,
        # so an exactly spent stretch hands over to the start of the next.
        if need < end - begin or (need == end - begin and not past):
            return _from_us(begin + need, calendar.zone)
        need -= end - begin
    raise CalendarError(
        gettext_noop(
            "fewer than %(minutes)s business minutes in the %(years)s years after %(start)s"
        ),
        minutes=minutes,
        years=_SEARCH_YEARS,
        start=start.isoformat(),
    )


def business_minutes_between(
    spec: CalendarSpec,
    start: datetime,
    end: datetime,
    pauses: Iterable[Pause] = (),
) -> float:
    """Return the business minutes in [start, end), not counting pauses; 0 if end <= start."""
    calendar = _calendar(spec)
    begin, finish = _to_us(start, "start"), _to_us(end, "end")
    paused = _normalise_pauses(pauses)
    total = sum(stop - go for go, stop in calendar.counted(begin, finish, paused))
    return total / _US_PER_MINUTE


def business_spans(
    spec: CalendarSpec,
    start: datetime,
    end: datetime,
    pauses: Iterable[Pause] = (),
) -> list[Span]:
    """Return a readable ledger covering [start, end) exactly, one span per reason change."""
    calendar = _calendar(spec)
    begin, finish = _to_us(start, "start"), _to_us(end, "end")
    segments = _cut_pauses(calendar.segments(begin, finish, ledger=True), _normalise_pauses(pauses))
    return [
        Span(_from_us(go, calendar.zone), _from_us(stop, calendar.zone), reason == WORKING, reason)
        for go, stop, reason in _merged(segments)
    ]


class _Calendar:
    """A validated spec compiled to UTC microsecond segments, built lazily per UTC day."""

    def __init__(self, spec: CalendarSpec) -> None:
        validate_spec(spec)
        self.zone = ZoneInfo(spec.tz)
        self._holidays = spec.holidays
        self._extra_workdays = spec.extra_workdays
        self._week = tuple(tuple(sorted(hours)) for hours in spec.week)
        self._makeup = tuple(sorted(spec.makeup_hours)) or next((h for h in self._week if h), ())
        real_extra_days = spec.extra_workdays - spec.holidays
        self.has_working_time = any(self._week) or bool(self._makeup and real_extra_days)
        self._buckets: dict[int, _Bucket] = {}

    def counted(self, begin: int, end: int, pauses: list[Interval]) -> Iterator[Interval]:
        """Yield the working, unpaused pieces of [begin, end) in time order."""
        segments = self.segments(begin, end, ledger=False)
        if pauses:
            segments = _cut_pauses(segments, pauses)
        return ((go, stop) for go, stop, reason in segments if reason == WORKING)

    def segments(self, begin: int, end: int, *, ledger: bool) -> Iterator[_Segment]:
        """Yield the working (or, with `ledger`, all) segments clipped to [begin, end)."""
        for index in range(begin // _DAY_US, (end - 1) // _DAY_US + 1):
            bucket = self._bucket(index)
            for go, stop, reason in bucket.ledger if ledger else bucket.working:
                go, stop = max(go, begin), min(stop, end)
                if go < stop:
                    yield go, stop, reason

    def _bucket(self, index: int) -> _Bucket:
        bucket = self._buckets.get(index)
        if bucket is None:
            bucket = self._buckets[index] = self._build_bucket(index)
        return bucket

    def _build_bucket(self, index: int) -> _Bucket:
        low, high = index * _DAY_US, (index + 1) * _DAY_US
        segments: list[_Segment] = []
        # Within a stretch of constant UTC offset, local wall time is a plain shift of
        # real time, so each local day's wall segments map across directly; the stretches
        # make gaps vanish and repeated fall-back hours count twice.
        for go, stop, offset in self._offset_stretches(low, high):
            for day_index in range((go + offset) // _DAY_US, (stop - 1 + offset) // _DAY_US + 1):
                base = day_index * _DAY_US - offset
                for wall_go, wall_stop, reason in self._wall_segments(day_index):
                    piece_go = max(go, base + wall_go * _US_PER_MINUTE)
                    piece_stop = min(stop, base + wall_stop * _US_PER_MINUTE)
                    if piece_go < piece_stop:
                        segments.append((piece_go, piece_stop, reason))
        ledger = tuple(_merged(segments))
        return _Bucket(tuple(s for s in ledger if s[2] == WORKING), ledger)

    def _wall_segments(self, day_index: int) -> list[_Segment]:
        """Cover one local day, in minutes of that day, with working and non-working parts."""
        day = date.fromordinal(_EPOCH_ORDINAL + day_index)
        if day in self._holidays:
            return [(0, MINUTES_PER_DAY, HOLIDAY)]
        if day in self._extra_workdays:
            hours = self._makeup
        else:
            hours = self._week[day.weekday()]
            if not hours:
                return [(0, MINUTES_PER_DAY, WEEKEND)]
        segments, cursor = [], 0
        for go, stop in hours:
            segments += [(cursor, go, OUTSIDE_HOURS), (go, stop, WORKING)]
            cursor = stop
        return [*segments, (cursor, MINUTES_PER_DAY, OUTSIDE_HOURS)]

    def _offset_stretches(self, low: int, high: int) -> list[tuple[int, int, int]]:
        """Split [low, high) into (start, end, utc_offset_us) stretches of constant offset."""
        first, last = low // _US_PER_SECOND, high // _US_PER_SECOND - 1
        probes = [*range(first, last, _PROBE_SECONDS), last]
        offsets = [self._offset(probe) for probe in probes]
        changes = [(first, offsets[0])]
        for (before, old), (after, new) in pairwise(zip(probes, offsets, strict=True)):
            changes += self._transitions(before, old, after, new)
        edges = [second * _US_PER_SECOND for second, _ in changes[1:]]
        return [
            (go, stop, offset)
            for go, stop, (_, offset) in zip([low, *edges], [*edges, high], changes, strict=True)
        ]

    def _transitions(self, before: int, old: int, after: int, new: int) -> list[tuple[int, int]]:
        """Find (second, new_offset) changes in (before, after] by bisection."""
        found = []
        while old != new:
            low, high = before, after
            while high - low > 1:
                middle = (low + high) // 2
                low, high = (middle, high) if self._offset(middle) == old else (low, middle)
            before, old = high, self._offset(high)
            found.append((before, old))
        return found

    def _offset(self, second: int) -> int:
        return datetime.fromtimestamp(second, self.zone).utcoffset() // _ONE_US


@lru_cache(maxsize=64)
def _calendar(spec: CalendarSpec) -> _Calendar:
    return _Calendar(spec)


def _cut_pauses(segments: Iterable[_Segment], pauses: list[Interval]) -> Iterator[_Segment]:
    """Relabel the paused parts of time-ordered segments as PAUSED."""
    index = 0
    for go, stop, reason in segments:
        while index < len(pauses) and pauses[index][1] <= go:
            index += 1
        probe = index
        while go < stop:
            if probe < len(pauses) and pauses[probe][0] < stop:
                pause_go, pause_stop = pauses[probe]
                if go < pause_go:
                    yield go, pause_go, reason
                    go = pause_go
                cut = min(pause_stop, stop)
                yield go, cut, PAUSED
                go, probe = cut, probe + 1
            else:
                yield go, stop, reason
                go = stop


def _merged(segments: Iterable[_Segment]) -> list[_Segment]:
    """Join touching segments that share a reason."""
    merged: list[_Segment] = []
    for go, stop, reason in segments:
        if merged and merged[-1][1] == go and merged[-1][2] == reason:
            merged[-1] = (merged[-1][0], stop, reason)
        else:
            merged.append((go, stop, reason))
    return merged


def _normalise_pauses(pauses: Iterable[Pause]) -> list[Interval]:
    """Turn pauses into sorted, disjoint microsecond intervals."""
    spans = []
    for begin, end in pauses:
        go, stop = _to_us(begin, "pause begin"), _to_us(end, "pause end")
        if stop < go:
            raise ValueError(
                f"pause ends at {end.isoformat()} before it begins at {begin.isoformat()}"
            )
        spans.append((go, stop))
    merged: list[Interval] = []
    for go, stop in sorted(spans):
        if merged and go <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], stop))
        elif go < stop:
            merged.append((go, stop))
    return merged


def _checked_hours(hours: Iterable[Interval], where: str) -> DayHours:
    """Validate one day's intervals and return them sorted."""
    ordered = tuple(sorted(hours))
    for start, end in ordered:
        if not (0 <= start < MINUTES_PER_DAY and 0 < end <= MINUTES_PER_DAY):
            raise CalendarError(
                gettext_noop(
                    "interval (%(start)s, %(end)s)%(where)s is outside the day: minutes must be "
                    "0..1440"
                ),
                start=start,
                end=end,
                where=where,
            )
        if end <= start:
            raise CalendarError(
                gettext_noop("end %(end)s is not after start %(start)s%(where)s"),
                end=_hhmm(end),
                start=_hhmm(start),
                where=where,
            )
    for (start, end), (next_start, next_end) in pairwise(ordered):
        if next_start < end:
            raise CalendarError(
                gettext_noop("intervals %(first)s and %(second)s overlap%(where)s"),
                first=f"{_hhmm(start)}-{_hhmm(end)}",
                second=f"{_hhmm(next_start)}-{_hhmm(next_end)}",
                where=where,
            )
    return ordered


def _parse_interval(part: str) -> Interval:
    match = _INTERVAL_RE.fullmatch(part)
    if match is None:
        raise CalendarError(
            gettext_noop("cannot parse “%(text)s”: expected HH:MM-HH:MM"), text=part.strip()
        )
    start_h, start_m, end_h, end_m = map(int, match.groups())
    return _minute_of_day(start_h, start_m, part), _minute_of_day(end_h, end_m, part)


def _minute_of_day(hour: int, minute: int, part: str) -> int:
    if minute > 59 or hour > 24 or (hour == 24 and minute):
        raise CalendarError(
            gettext_noop("invalid time in “%(text)s”: use 00:00..24:00"), text=part.strip()
        )
    return hour * 60 + minute


def _hhmm(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError) as exc:
        raise CalendarError(gettext_noop("unknown time zone “%(name)s”"), name=name) from exc


def _minutes_to_us(minutes: float) -> int:
    if not math.isfinite(minutes) or minutes < 0:
        raise ValueError(f"minutes must be a finite number >= 0, got {minutes!r}")
    return round(minutes * _US_PER_MINUTE)


def _to_us(moment: datetime, label: str) -> int:
    if moment.utcoffset() is None:
        raise ValueError(f"{label} must be timezone-aware, got naive {moment.isoformat()}")
    return (moment - _EPOCH) // _ONE_US


def _from_us(instant: int, zone: ZoneInfo) -> datetime:
    return (_EPOCH + instant * _ONE_US).astimezone(zone)
