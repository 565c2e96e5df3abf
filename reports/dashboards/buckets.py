"""Time buckets of the dashboard's series: days, weeks or months depending on the period."""

from datetime import date, timedelta

from .periods import add_months
from .selectors import SERIES_BY_MONTH_AFTER_DAYS


def granularity(days: int) -> str:
    if days <= 31:
        return "day"
    if days <= SERIES_BY_MONTH_AFTER_DAYS:
        return "week"
    return "month"


def bucket_start(day: date, unit: str) -> date:
    if unit == "day":
        return day
    if unit == "week":
        return day - timedelta(days=day.weekday())
    return day.replace(day=1)


def next_bucket(start: date, unit: str) -> date:
    if unit == "day":
        return start + timedelta(days=1)
    if unit == "week":
        return start + timedelta(days=7)
    return add_months(start, 1)
