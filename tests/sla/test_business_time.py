"""Business-time arithmetic: oracle properties, Chinese holiday cases, ledger and validation."""

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from sla.calendar import (
    CalendarError,
    CalendarSpec,
    DayHours,
    Span,
    breach_instant,
    business_deadline,
    business_minutes_between,
    business_spans,
    format_intervals,
    parse_intervals,
    validate_spec,
)
from sla.holidays_cn import china_official_days, cn_spec, covered_years
from sla.models import SlaClock
from sla.schedule import is_breached

from . import oracle

SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_YORK = ZoneInfo("America/New_York")
OFFICE = parse_intervals("09:00-12:00, 13:00-18:00")
CN = cn_spec(2026, 2026, OFFICE)
ALWAYS: DayHours = ((0, 1440),)
CLOSED: DayHours = ()
HORIZON = timedelta(days=12)
ZONES = ("Asia/Shanghai", "UTC", "America/New_York", "Europe/Berlin", "America/Santiago")


def cst(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI)


def every_day(hours: DayHours, tz: str = "UTC") -> CalendarSpec:
    return CalendarSpec(tz=tz, week=(hours,) * 7)


def offset_changes(zone_name: str, year: int = 2026) -> list[datetime]:
    """UTC instants in `year` where the zone's offset changes (a mid-year instant if none)."""
    zone, hour = ZoneInfo(zone_name), datetime(year, 1, 1, tzinfo=UTC)
    changes = []
    while hour.year == year:
        following = hour + timedelta(hours=1)
        if hour.astimezone(zone).utcoffset() != following.astimezone(zone).utcoffset():
            changes.append(following)
        hour = following
    return changes or [datetime(year, 6, 15, 12, tzinfo=UTC)]


def in_utc(spans: list[Span]) -> list[tuple[datetime, datetime, str]]:
    # Aware datetimes inside a DST fold never compare equal across zones (PEP 495), so
    # instants are compared in UTC.
    return [(s.start.astimezone(UTC), s.end.astimezone(UTC), s.reason) for s in spans]


def deadline_or_none(spec, start, minutes, pauses) -> datetime | None:
    """The deadline, or None when the calendar (rightly) reports it has no time to offer."""
    try:
        return business_deadline(spec, start, minutes, pauses)
    except CalendarError:
        return None


ANCHORS = {zone: offset_changes(zone) for zone in ZONES}
MARKS = st.integers(0, 48).map(lambda half_hours: half_hours * 30) | st.integers(0, 1440)


@st.composite
def day_hours(draw: st.DrawFn) -> DayHours:
    shape = draw(st.sampled_from(["closed", "always", "office", "touching", "random", "random"]))
    if shape == "closed":
        return CLOSED
    if shape == "always":
        return ALWAYS
    if shape == "office":
        return OFFICE
    if shape == "touching":
        return ((540, 720), (720, 1080))
    marks = sorted(draw(st.sets(MARKS, min_size=2, max_size=6)))
    marks = marks[: len(marks) // 2 * 2]
    return tuple(zip(marks[::2], marks[1::2], strict=True))


def fixed_offsets() -> st.SearchStrategy[timezone]:
    return st.integers(-48, 56).map(lambda quarters: timezone(timedelta(minutes=15 * quarters)))


@st.composite
def cases(draw: st.DrawFn) -> tuple[CalendarSpec, datetime, list[tuple[datetime, datetime]]]:
    """A random calendar, a start near a DST change shown in a random offset, and pauses."""
    tz = draw(st.sampled_from(ZONES))
    anchor = draw(st.sampled_from(ANCHORS[tz]))
    start = anchor + timedelta(minutes=draw(st.integers(-3 * 1440, 3 * 1440)))
    first_day = (anchor - timedelta(days=5)).date()
    days = st.dates(first_day, first_day + timedelta(days=25))
    spec = CalendarSpec(
        tz=tz,
        week=tuple(draw(day_hours()) for _ in range(7)),
        holidays=draw(st.frozensets(days, max_size=6)),
        extra_workdays=draw(st.frozensets(days, max_size=4)),
        makeup_hours=draw(st.just(CLOSED) | day_hours()),
    )
    pauses = []
    for _ in range(draw(st.integers(0, 3))):
        begin = start + timedelta(minutes=draw(st.integers(-1440, 10 * 1440)))
        end = begin + timedelta(minutes=draw(st.integers(0, 3 * 1440)))
        pauses.append((begin.astimezone(draw(fixed_offsets())), end))
    return spec, start.astimezone(draw(fixed_offsets())), pauses


@settings(max_examples=120, deadline=None)
@given(case=cases(), minutes=st.integers(0, 3000))
def test_deadline_matches_oracle(case, minutes):
    spec, start, pauses = case
    expected = oracle.deadline(spec, start, minutes, pauses, HORIZON)
    got = deadline_or_none(spec, start, minutes, pauses)
    if expected is None:
        assert got is None or got > start + HORIZON
    else:
        assert got.astimezone(UTC) == expected
        assert got.tzinfo == ZoneInfo(spec.tz)


@settings(max_examples=120, deadline=None)
@given(
    case=cases(),
    minutes=st.integers(0, 3000),
    stretch=st.none() | st.integers(0, 20),
    stop=st.integers(0, 6 * 1440),
)
def test_breach_instant_and_met_or_breached_match_the_minute_count(case, minutes, stretch, stop):
    """Breached iff more minutes than the target were used, whenever the clock stops.

    With `stretch`, the target ends exactly where a counted stretch ends: the case where the
    breach instant is the end of the gap rather than the deadline.
    """
    spec, start, pauses = case
    if stretch is not None:
        ledger = oracle.spans(spec, start, start + timedelta(days=4), pauses)
        ends = [end for _go, end, why in ledger if why == "working"]
        assume(ends)
        minutes = oracle.minutes_between(spec, start, ends[stretch % len(ends)], pauses)
    expected = oracle.breach_instant(spec, start, minutes, pauses, HORIZON)
    try:
        got = breach_instant(spec, start, minutes, pauses)
    except CalendarError:
        got = None
    if expected is None:
        assert got is None or got > start + HORIZON
        return
    assert got.astimezone(UTC) == expected
    deadline = deadline_or_none(spec, start, minutes, pauses)
    assert deadline is not None and deadline.astimezone(UTC) <= expected
    at = start + timedelta(minutes=stop)
    used = oracle.minutes_between(spec, start, at, pauses)
    assert is_breached(SlaClock(breach_at=got), at) == (used > minutes)


@settings(max_examples=120, deadline=None)
@given(case=cases(), length=st.integers(-60, 12 * 1440))
def test_minutes_between_matches_oracle(case, length):
    spec, start, pauses = case
    end = start + timedelta(minutes=length)
    got = business_minutes_between(spec, start, end, pauses)
    assert got == oracle.minutes_between(spec, start, end, pauses)


@settings(max_examples=60, deadline=None)
@given(case=cases(), length=st.integers(1, 6 * 1440))
def test_spans_match_oracle_and_cover_the_range(case, length):
    spec, start, pauses = case
    end = start + timedelta(minutes=length)
    spans = business_spans(spec, start, end, pauses)
    assert in_utc(spans) == oracle.spans(spec, start, end, pauses)
    assert all(s.counted == (s.reason == "working") for s in spans)
    counted = sum(s.minutes for s in spans if s.counted)
    assert counted == pytest.approx(business_minutes_between(spec, start, end, pauses))


@settings(max_examples=120, deadline=None)
@given(
    case=cases(),
    jitter=st.integers(0, 59_999_999),
    minutes=st.floats(0, 3000, allow_nan=False),
)
def test_deadline_inverts_minutes_between_off_the_minute_grid(case, jitter, minutes):
    spec, start, pauses = case
    start += timedelta(microseconds=jitter)
    got = deadline_or_none(spec, start, minutes, pauses)
    assume(got is not None)
    elapsed = business_minutes_between(spec, start, got, pauses)
    assert elapsed == pytest.approx(minutes, abs=1e-6)
    if got > start:
        just_before = got - timedelta(microseconds=1)
        assert business_minutes_between(spec, start, just_before, pauses) < elapsed


@pytest.mark.parametrize(
    ("start", "minutes", "expected"),
    [
        pytest.param(cst(2, 13, 18), 1, cst(2, 14, 9, 1), id="friday-close-to-makeup-saturday"),
        pytest.param(cst(2, 14, 18), 1, cst(2, 24, 9, 1), id="makeup-saturday-over-festival"),
        pytest.param(cst(2, 17, 10), 60, cst(2, 24, 10), id="start-on-holiday"),
        pytest.param(cst(2, 24, 12, 30), 30, cst(2, 24, 13, 30), id="start-at-lunch"),
        pytest.param(cst(2, 24, 9), 480, cst(2, 24, 18), id="exactly-at-closing"),
        pytest.param(cst(2, 27, 17), 120, cst(2, 28, 10), id="into-makeup-feb-28"),
        pytest.param(cst(3, 2, 9), 180, cst(3, 2, 12), id="morning-ends-at-noon"),
        pytest.param(cst(3, 2, 18), 1, cst(3, 3, 9, 1), id="after-closing"),
        pytest.param(cst(3, 2, 11, 59), 1, cst(3, 2, 12), id="last-minute-before-lunch"),
        pytest.param(cst(3, 7, 10), 1, cst(3, 9, 9, 1), id="start-on-weekend"),
        pytest.param(cst(9, 19, 10), 1, cst(9, 20, 9, 1), id="into-makeup-sunday-sep-20"),
        pytest.param(cst(9, 30, 17), 120, cst(10, 8, 10), id="over-national-day"),
        pytest.param(cst(10, 9, 17), 120, cst(10, 10, 10), id="into-makeup-oct-10"),
        pytest.param(cst(9, 30, 9), 4800, cst(10, 19, 18), id="ten-days-over-national-day"),
        pytest.param(cst(2, 15, 10), 0, cst(2, 15, 10), id="zero-minutes-on-holiday"),
    ],
)
def test_deadline_on_chinese_calendar(start, minutes, expected):
    got = business_deadline(CN, start, minutes)
    assert got == expected
    assert got.utcoffset() == timedelta(hours=8)


@pytest.mark.parametrize(
    "start",
    [
        datetime(2026, 2, 13, 10, tzinfo=UTC),
        datetime(2026, 2, 13, 19, tzinfo=timezone(timedelta(hours=9))),
    ],
)
def test_inputs_in_other_offsets(start):
    assert business_deadline(CN, start, 1).isoformat() == "2026-02-14T09:01:00+08:00"
    assert business_deadline(CN, start, 0).isoformat() == "2026-02-13T18:00:00+08:00"
    assert business_minutes_between(CN, start, cst(2, 24, 10)) == 480 + 60


def test_minutes_between_on_chinese_calendar():
    assert business_minutes_between(CN, cst(2, 13, 9), cst(2, 24, 9)) == 960
    assert business_minutes_between(CN, cst(9, 30, 9), cst(10, 19, 18)) == 4800
    assert business_minutes_between(CN, cst(2, 24, 10), cst(2, 24, 9)) == 0
    assert business_minutes_between(CN, cst(2, 24, 9), cst(2, 24, 9) + timedelta(seconds=30)) == 0.5


def test_pauses_overlapping_unsorted_and_before_start():
    pauses = [
        (cst(2, 24, 10, 30), cst(2, 24, 11, 30)),
        (cst(2, 24, 10), cst(2, 24, 11)),
        (cst(2, 23, 10), cst(2, 24, 9, 30)),
    ]
    assert business_minutes_between(CN, cst(2, 24, 9), cst(2, 24, 18), pauses) == 480 - 120
    assert business_deadline(CN, cst(2, 24, 9), 60, pauses) == cst(2, 24, 12)


def test_pause_errors():
    backwards = [(cst(2, 24, 11), cst(2, 24, 10))]
    with pytest.raises(ValueError, match="before it begins"):
        business_minutes_between(CN, cst(2, 24, 9), cst(2, 24, 18), backwards)
    naive = [(cst(2, 24, 10).replace(tzinfo=None), cst(2, 24, 11))]
    with pytest.raises(ValueError, match="pause begin must be timezone-aware"):
        business_deadline(CN, cst(2, 24, 9), 1, naive)


def test_spans_ledger_over_spring_festival():
    spans = business_spans(CN, cst(2, 13, 17), cst(2, 24, 10))
    assert [(s.start, s.end, s.reason) for s in spans] == [
        (cst(2, 13, 17), cst(2, 13, 18), "working"),
        (cst(2, 13, 18), cst(2, 14, 9), "outside_hours"),
        (cst(2, 14, 9), cst(2, 14, 12), "working"),
        (cst(2, 14, 12), cst(2, 14, 13), "outside_hours"),
        (cst(2, 14, 13), cst(2, 14, 18), "working"),
        (cst(2, 14, 18), cst(2, 15, 0), "outside_hours"),
        (cst(2, 15, 0), cst(2, 24, 0), "holiday"),
        (cst(2, 24, 0), cst(2, 24, 9), "outside_hours"),
        (cst(2, 24, 9), cst(2, 24, 10), "working"),
    ]
    assert [s.counted for s in spans] == [True, False, True, False, True, False, False, False, True]
    assert all(s.start.tzinfo == SHANGHAI for s in spans)


def test_spans_ledger_pause_wins_over_weekend():
    pauses = [(cst(3, 6, 17, 30), cst(3, 7, 12))]
    spans = business_spans(CN, cst(3, 6, 17), cst(3, 9, 10), pauses)
    assert [(s.start, s.end, s.reason, s.counted) for s in spans] == [
        (cst(3, 6, 17), cst(3, 6, 17, 30), "working", True),
        (cst(3, 6, 17, 30), cst(3, 7, 12), "paused", False),
        (cst(3, 7, 12), cst(3, 9, 0), "weekend", False),
        (cst(3, 9, 0), cst(3, 9, 9), "outside_hours", False),
        (cst(3, 9, 9), cst(3, 9, 10), "working", True),
    ]
    assert business_spans(CN, cst(3, 9, 10), cst(3, 9, 9)) == []


def test_holiday_wins_over_makeup_and_makeup_hours_apply():
    saturday, holiday_friday = date(2026, 3, 7), date(2026, 3, 6)
    spec = CalendarSpec(
        tz="Asia/Shanghai",
        week=(OFFICE,) * 5 + (CLOSED, CLOSED),
        holidays=frozenset({holiday_friday}),
        extra_workdays=frozenset({saturday, holiday_friday}),
        makeup_hours=((600, 660),),
    )
    assert business_deadline(spec, cst(3, 5, 18), 1) == cst(3, 7, 10, 1)
    assert business_minutes_between(spec, cst(3, 5, 18), cst(3, 9, 0)) == 60


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        pytest.param(datetime(2026, 3, 8, tzinfo=NEW_YORK), 23 * 60, id="spring-forward"),
        pytest.param(datetime(2026, 11, 1, tzinfo=NEW_YORK), 25 * 60, id="fall-back"),
        pytest.param(datetime(2026, 3, 9, tzinfo=NEW_YORK), 24 * 60, id="ordinary"),
    ],
)
def test_24x7_counts_real_minutes_across_dst(day, expected):
    spec = every_day(ALWAYS, "America/New_York")
    next_midnight = datetime.combine(day.date() + timedelta(days=1), day.timetz())
    assert business_minutes_between(spec, day, next_midnight) == expected


def test_interval_starting_in_spring_forward_gap_opens_at_the_jump():
    spec = every_day(((150, 300),), "America/New_York")
    midnight = datetime(2026, 3, 8, tzinfo=NEW_YORK)
    assert business_deadline(spec, midnight, 1) == datetime(2026, 3, 8, 7, 1, tzinfo=UTC)
    assert business_minutes_between(spec, midnight, midnight + timedelta(days=1)) == 120


def test_repeated_fall_back_hour_counts_twice():
    spec = every_day(((60, 120),), "America/New_York")
    midnight = datetime(2026, 11, 1, tzinfo=NEW_YORK)
    assert business_minutes_between(spec, midnight, midnight + timedelta(hours=5)) == 120
    got = business_deadline(spec, midnight, 90)
    assert got.astimezone(UTC) == datetime(2026, 11, 1, 6, 30, tzinfo=UTC)
    assert (got.hour, got.minute, got.fold) == (1, 30, 1)


def test_fall_back_across_midnight_repeats_the_previous_evening():
    # Chile turns 2026-04-05 00:00 back to 2026-04-04 23:00, so Saturday 22:00-24:00 lasts 3 h.
    spec = CalendarSpec(tz="America/Santiago", week=(CLOSED,) * 5 + (((1320, 1440),), CLOSED))
    start = datetime(2026, 4, 4, 12, tzinfo=ZoneInfo("America/Santiago"))
    end = start + timedelta(days=1)
    assert business_minutes_between(spec, start, end) == 180
    assert oracle.minutes_between(spec, start, end) == 180
    spans = business_spans(spec, start, end)
    assert in_utc(spans) == oracle.spans(spec, start, end)
    assert [s.minutes for s in spans if s.counted] == [180]


def test_gap_only_interval_has_no_working_time_that_day():
    spec = every_day(((120, 180),), "Europe/Berlin")
    day = datetime(2026, 3, 29, tzinfo=ZoneInfo("Europe/Berlin"))
    assert business_minutes_between(spec, day, day + timedelta(days=1)) == 0


def test_bad_arguments():
    with pytest.raises(ValueError, match="timezone-aware"):
        business_deadline(CN, cst(2, 24, 9).replace(tzinfo=None), 1)
    with pytest.raises(ValueError, match="minutes must be"):
        business_deadline(CN, cst(2, 24, 9), -1)
    with pytest.raises(ValueError, match="minutes must be"):
        business_deadline(CN, cst(2, 24, 9), float("nan"))


def test_no_working_time_raises_instead_of_looping():
    with pytest.raises(CalendarError, match="no working time"):
        business_deadline(every_day(CLOSED), cst(2, 24, 9), 1)
    makeup_only = CalendarSpec(
        tz="UTC", week=(CLOSED,) * 7, extra_workdays=frozenset({date(2026, 3, 1)})
    )
    with pytest.raises(CalendarError, match="no working time"):
        business_deadline(makeup_only, cst(2, 24, 9), 1)


def test_search_is_capped_at_twenty_years():
    mondays = frozenset(date(2026, 3, 2) + timedelta(weeks=n) for n in range(21 * 53))
    spec = CalendarSpec(tz="UTC", week=(OFFICE,) + (CLOSED,) * 6, holidays=mondays)
    with pytest.raises(CalendarError, match="20 years"):
        business_deadline(spec, cst(3, 1, 9), 1)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        pytest.param(
            CalendarSpec("Mars/Olympus", (OFFICE,) * 7),
            "unknown time zone “Mars/Olympus”",
            id="zone",
        ),
        pytest.param(CalendarSpec("UTC", (OFFICE,) * 6), "week must have 7 entries", id="length"),
        pytest.param(
            CalendarSpec("UTC", (((720, 540),),) + (OFFICE,) * 6),
            "end 09:00 is not after start 12:00 on Monday",
            id="end-before-start",
        ),
        pytest.param(
            CalendarSpec("UTC", (OFFICE,) * 2 + (((540, 720), (700, 800)),) + (OFFICE,) * 4),
            "intervals 09:00-12:00 and 11:40-13:20 overlap on Wednesday",
            id="overlap",
        ),
        pytest.param(
            CalendarSpec("UTC", (((0, 1500),),) * 7),
            r"interval \(0, 1500\) on Monday is outside the day",
            id="range",
        ),
        pytest.param(
            CalendarSpec("UTC", (OFFICE,) * 7, makeup_hours=((60, 60),)),
            "end 01:00 is not after start 01:00 in make-up hours",
            id="makeup",
        ),
    ],
)
def test_validation_messages(spec, message):
    with pytest.raises(CalendarError, match=message):
        validate_spec(spec)
    with pytest.raises(CalendarError, match=message):
        business_deadline(spec, cst(2, 24, 9), 1)


def test_parse_and_format_intervals():
    assert OFFICE == ((540, 720), (780, 1080))
    assert parse_intervals(" 13:00-18:00,09:00 - 12:00 ") == OFFICE
    assert parse_intervals("00:00-24:00") == ALWAYS
    assert parse_intervals("  ") == CLOSED
    assert format_intervals(OFFICE) == "09:00-12:00, 13:00-18:00"
    assert format_intervals(ALWAYS) == "00:00-24:00"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("9-12", "cannot parse “9-12”"),
        ("09:00-12:00,", "cannot parse “”"),
        ("09:00-24:30", "invalid time in “09:00-24:30”"),
        ("09:60-10:00", "invalid time"),
        ("12:00-09:00", "end 09:00 is not after start 12:00"),
        ("09:00-12:00, 11:00-13:00", "intervals 09:00-12:00 and 11:00-13:00 overlap"),
    ],
)
def test_parse_intervals_errors(text, message):
    with pytest.raises(CalendarError, match=message):
        parse_intervals(text)


def test_china_official_days_2026():
    holidays, makeup = china_official_days(2026)
    spring = {date(2026, 2, 15) + timedelta(days=n) for n in range(9)}
    national = {date(2026, 10, n) for n in range(1, 8)}
    assert spring | national <= holidays
    assert {date(2026, 2, 14), date(2026, 2, 28), date(2026, 9, 20), date(2026, 10, 10)} <= makeup
    assert not holidays & makeup
    assert all(day.year == 2026 for day in holidays | makeup)


def test_covered_years_and_out_of_range_error():
    covered = covered_years()
    assert covered.start == 2004
    assert 2026 in covered
    for year in (covered.start - 1, covered.stop):
        with pytest.raises(CalendarError, match=f"{year}.*covers 2004-{covered.stop - 1}"):
            china_official_days(year)


def test_cn_spec_skips_uncovered_years():
    spec = cn_spec(2000, covered_years().stop + 5, "09:00-12:00, 13:00-18:00")
    assert spec.tz == "Asia/Shanghai"
    assert spec.week == (OFFICE,) * 5 + (CLOSED, CLOSED)
    assert date(2004, 1, 1) in spec.holidays
    assert CN.holidays <= spec.holidays
    assert CN.extra_workdays <= spec.extra_workdays
