"""Dashboard periods: parsing the request's choice, its previous period and its UTC bounds.

Pure: no ORM, no clock (`today` is passed in, as a date in the client's time zone).
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

PERIOD_CHOICES = {
    "this_month": gettext_lazy("This month"),
    "last_month": gettext_lazy("Last month"),
    "quarter": gettext_lazy("This quarter"),
    "12m": gettext_lazy("12 months"),
    "custom": gettext_lazy("Custom range"),
}
DEFAULT_PERIOD = "this_month"
# A custom range longer than this is refused: ten years of days is already more than a contract.
MAX_DAYS = 3660
MIN_YEAR, MAX_YEAR = 2000, 2100


class PeriodError(ValueError):
    """A period the request asked for cannot be used; the message says why (translated)."""


@dataclass(frozen=True)
class Period:
    key: str
    start: date  # first day, inclusive
    end: date  # last day, inclusive

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> "Period":
        """The period just before: the previous month(s), or as many days before."""
        if self.key in ("this_month", "last_month", "quarter", "12m"):
            months = {"this_month": 1, "last_month": 1, "quarter": 3, "12m": 12}[self.key]
            start = add_months(self.start, -months)
            return Period(self.key, start, self.start - timedelta(days=1))
        return Period(self.key, self.start - timedelta(days=self.days), self.start - timedelta(1))

    def utc_bounds(self, tz: str) -> tuple[datetime, datetime]:
        """[start, end) as aware datetimes: local midnights of the client's time zone."""
        zone = ZoneInfo(tz)
        return (
            datetime.combine(self.start, time.min, zone),
            datetime.combine(self.end + timedelta(days=1), time.min, zone),
        )

    def as_dict(self) -> dict:
        return {"key": self.key, "start": self.start.isoformat(), "end": self.end.isoformat()}


def add_months(day: date, months: int) -> date:
    """The first day of the month `months` away from `day`'s month."""
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_end(day: date) -> date:
    return add_months(day, 1) - timedelta(days=1)


def parse_day(value: str, name: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise PeriodError(
            _("“%(value)s” is not a date for “%(name)s”; use YYYY-MM-DD.")
            % {"value": value[:40], "name": name}
        ) from None


def parse_period(params, *, today: date) -> Period:
    """The period named by `period` (and `from`/`to` for a custom range)."""
    key = (params.get("period") or DEFAULT_PERIOD).strip()
    if key not in PERIOD_CHOICES:
        raise PeriodError(
            _("Unknown period “%(value)s”; choose one of: %(choices)s.")
            % {"value": key[:40], "choices": ", ".join(PERIOD_CHOICES)}
        )
    first = today.replace(day=1)
    if key == "this_month":
        return Period(key, first, month_end(today))
    if key == "last_month":
        start = add_months(first, -1)
        return Period(key, start, first - timedelta(days=1))
    if key == "quarter":
        start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
        return Period(key, start, month_end(add_months(start, 2)))
    if key == "12m":
        return Period(key, add_months(first, -11), month_end(today))
    raw_from, raw_to = params.get("from") or "", params.get("to") or ""
    if not raw_from.strip() or not raw_to.strip():
        raise PeriodError(_("A custom range needs both a start and an end date."))
    start, end = parse_day(raw_from, "from"), parse_day(raw_to, "to")
    if end < start:
        raise PeriodError(_("The end date is before the start date."))
    if start.year < MIN_YEAR or end.year > MAX_YEAR:
        raise PeriodError(
            _("Choose dates between %(first)s and %(last)s.")
            % {"first": MIN_YEAR, "last": MAX_YEAR}
        )
    if (end - start).days + 1 > MAX_DAYS:
        raise PeriodError(_("A custom range can span at most %(days)s days.") % {"days": MAX_DAYS})
    return Period(key, start, end)
