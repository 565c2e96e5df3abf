"""Chinese statutory holidays and make-up working days (调休) from `chinese_calendar`."""

from datetime import date
from functools import cache

import chinese_calendar

from sla.calendar import CalendarError, CalendarSpec, DayHours, gettext_noop, parse_intervals

SHANGHAI = "Asia/Shanghai"


@cache
def covered_years() -> range:
    """Return the years for which the installed chinese_calendar has official data."""
    years = [day.year for day in chinese_calendar.holidays]
    return range(min(years), max(years) + 1)


@cache
def china_official_days(year: int) -> tuple[frozenset[date], frozenset[date]]:
    """Return (statutory holidays, make-up working days) for `year`."""
    covered = covered_years()
    if year not in covered:
        raise CalendarError(
            gettext_noop(
                "no official Chinese holiday data for %(year)s: the installed chinese_calendar "
                "covers %(first)s-%(last)s"
            ),
            year=year,
            first=covered.start,
            last=covered.stop - 1,
        )
    holidays = frozenset(day for day in chinese_calendar.holidays if day.year == year)
    makeup_days = frozenset(day for day in chinese_calendar.workdays if day.year == year)
    return holidays, makeup_days


def cn_spec(year_from: int, year_to: int, hours: DayHours | str) -> CalendarSpec:
    """Return an Asia/Shanghai Mon-Fri calendar with the official days of the covered years.

    Years in [year_from, year_to] without data are skipped, so the calendar simply has no
    holidays there; `hours` is a tuple of minute intervals or text like "09:00-12:00, 13:00-18:00".
    """
    day_hours = parse_intervals(hours) if isinstance(hours, str) else tuple(hours)
    years = [year for year in range(year_from, year_to + 1) if year in covered_years()]
    official = [china_official_days(year) for year in years]
    return CalendarSpec(
        tz=SHANGHAI,
        week=(day_hours,) * 5 + ((), ()),
        holidays=frozenset().union(*(holidays for holidays, _ in official)),
        extra_workdays=frozenset().union(*(makeup for _, makeup in official)),
    )
