"""Periods: named choices, previous periods, local-midnight bounds, month splitting."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from reports.dashboards.periods import Period, PeriodError, parse_period
from reports.dashboards.selectors import month_split

TODAY = date(2026, 11, 29)


@pytest.mark.parametrize(
    "key, start, end, previous",
    [
        (
            "this_month",
            date(2026, 11, 1),
            date(2026, 11, 30),
            (date(2026, 10, 1), date(2026, 10, 31)),
        ),
        (
            "last_month",
            date(2026, 10, 1),
            date(2026, 10, 31),
            (date(2026, 9, 1), date(2026, 9, 30)),
        ),
        ("quarter", date(2026, 10, 1), date(2026, 12, 31), (date(2026, 7, 1), date(2026, 9, 30))),
        ("12m", date(2025, 12, 1), date(2026, 11, 30), (date(2024, 12, 1), date(2025, 11, 30))),
    ],
)
def test_named_periods_and_their_previous(key, start, end, previous):
    period = parse_period({"period": key}, today=TODAY)
    assert (period.start, period.end) == (start, end)
    assert (period.previous().start, period.previous().end) == previous


def test_custom_range_previous_is_as_many_days_before():
    period = parse_period(
        {"period": "custom", "from": "2026-03-10", "to": "2026-03-19"}, today=TODAY
    )
    assert period.days == 10
    assert (period.previous().start, period.previous().end) == (date(2026, 2, 28), date(2026, 3, 9))


def test_january_last_month_wraps_the_year():
    period = parse_period({"period": "last_month"}, today=date(2027, 1, 3))
    assert (period.start, period.end) == (date(2026, 12, 1), date(2026, 12, 31))


def test_bounds_are_local_midnights():
    start, end = Period("custom", date(2026, 10, 1), date(2026, 10, 31)).utc_bounds("Asia/Shanghai")
    assert start == datetime(2026, 10, 1, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert end.astimezone(ZoneInfo("UTC")) == datetime(2026, 10, 31, 16, tzinfo=ZoneInfo("UTC"))


@pytest.mark.parametrize(
    "bad", [{"period": "x"}, {"period": "custom", "from": "2026-02-30", "to": "2026-03-01"}]
)
def test_bad_input_raises_period_error(bad):
    with pytest.raises(PeriodError):
        parse_period(bad, today=TODAY)


def test_month_split():
    assert month_split(date(2026, 1, 1), date(2026, 3, 31)) == (
        [date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)],
        [],
    )
    assert month_split(date(2026, 1, 15), date(2026, 3, 10)) == (
        [date(2026, 2, 1)],
        [(date(2026, 1, 15), date(2026, 1, 31)), (date(2026, 3, 1), date(2026, 3, 10))],
    )
    assert month_split(date(2026, 1, 2), date(2026, 1, 30)) == (
        [],
        [(date(2026, 1, 2), date(2026, 1, 30))],
    )
