"""Whether calendars that follow China's official days have the years that matter loaded, the
preview of an uploaded day file against a calendar, and the weekly reminder to admins."""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from clients.models import User
from itsm.links import absolute_url
from itsm.outbox import email_enqueue
from itsm.tenancy import Role

from .day_files import DayRow
from .models import BusinessCalendar, CalendarDay, OfficialDaysReminder

# From this month on, next year's days must be there: the State Council publishes them in
# October or November, and on January 1 an unloaded Spring Festival counts as working time.
WARN_FROM_MONTH = 11


@dataclass(frozen=True)
class MissingYear:
    calendar: BusinessCalendar
    year: int

    @property
    def import_path(self) -> str:
        return reverse("admin:sla_businesscalendar_import_days", args=[self.calendar.pk])

    @property
    def import_url(self) -> str:
        return absolute_url(self.import_path)


def years_required(now: datetime) -> list[int]:
    """This year always; next year too from November on (in the site's time zone)."""
    local = timezone.localtime(now)
    return [local.year] + ([local.year + 1] if local.month >= WARN_FROM_MONTH else [])


def official_days_missing(*, now: datetime) -> list[MissingYear]:
    """Calendars that follow the official days but hold no holiday in a required year (every
    official year has some: New Year's Day at least). One query."""
    years = years_required(now)
    loaded = {
        f"has_{year}": Exists(
            CalendarDay.objects.filter(
                calendar=OuterRef("pk"), date__year=year, kind=CalendarDay.Kind.HOLIDAY
            )
        )
        for year in years
    }
    calendars = BusinessCalendar.objects.filter(uses_official_days=True).annotate(**loaded)
    return [
        MissingYear(calendar=calendar, year=year)
        for calendar in calendars.order_by("code")
        for year in years
        if not getattr(calendar, f"has_{year}")
    ]


@dataclass
class DayDiff:
    added: list[DayRow] = field(default_factory=list)
    changed: list[tuple[CalendarDay, DayRow]] = field(default_factory=list)
    unchanged: int = 0

    @property
    def has_changes(self) -> bool:
        return bool(self.added or self.changed)


def day_file_diff(*, calendar: BusinessCalendar, rows: list[DayRow]) -> DayDiff:
    """What importing `rows` would change: days added, days whose kind or name changes. Days of
    the calendar the file does not mention are kept (a company holiday added by hand)."""
    existing = {day.date: day for day in calendar.days.filter(date__in=[r.day for r in rows])}
    diff = DayDiff()
    for row in rows:
        old = existing.get(row.day)
        if old is None:
            diff.added.append(row)
        elif (old.kind, old.name) != (row.kind, row.name or old.name):
            diff.changed.append((old, row))
        else:
            diff.unchanged += 1
    return diff


def week_of(now: datetime) -> date:
    local = timezone.localtime(now).date()
    return local - timedelta(days=local.weekday())


@transaction.atomic
def official_days_remind(*, now: datetime) -> int:
    """Email every active admin, once per week (the task may run daily), while a calendar that
    follows the official days misses a required year. Returns the emails queued."""
    missing = official_days_missing(now=now)
    if not missing:
        return 0
    summary = ", ".join(f"{item.calendar.code} {item.year}" for item in missing)[:500]
    _row, created = OfficialDaysReminder.objects.get_or_create(
        week=week_of(now), defaults={"sent_at": now, "missing": summary}
    )
    if not created:
        return 0
    admins = User.objects.filter(role=Role.ADMIN, is_active=True).exclude(email="")
    for admin in admins:
        with translation.override(admin.language or settings.LANGUAGE_CODE):
            email_enqueue(
                to=admin.email,
                subject=_("Official holidays missing for %(years)s")
                % {"years": ", ".join(sorted({str(item.year) for item in missing}))},
                body=render_to_string(
                    "sla/email/official_days_missing.txt", {"missing": missing, "person": admin}
                ),
            )
    return len(admins)
