"""Survey periods: pure date arithmetic (no ORM, no clock)."""

from datetime import date

from django.utils.translation import gettext as _


def period_start(day: date, every_months: int) -> date:
    """First day of the period of `every_months` months (aligned on January) holding `day`."""
    first_month = ((day.month - 1) // every_months) * every_months + 1
    return date(day.year, first_month, 1)


def period_end(start: date, every_months: int) -> date:
    """First day after the period that begins on `start`."""
    months = start.year * 12 + start.month - 1 + every_months
    return date(months // 12, months % 12 + 1, 1)


def period_label(start: date, every_months: int) -> str:
    if every_months == 12:
        return str(start.year)
    if every_months == 6:
        return _("%(year)s H%(half)s") % {"year": start.year, "half": 1 + (start.month - 1) // 6}
    if every_months == 3:
        return _("%(year)s Q%(quarter)s") % {
            "year": start.year,
            "quarter": 1 + (start.month - 1) // 3,
        }
    return f"{start.year}-{start.month:02d}"
