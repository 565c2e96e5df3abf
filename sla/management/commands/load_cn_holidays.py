"""Load or update one year of China's statutory holidays and make-up days into calendars."""

from django.core.management.base import BaseCommand, CommandError

from sla.calendar import CalendarError
from sla.models import BusinessCalendar
from sla.services import calendar_days_load


class Command(BaseCommand):
    help = "Load a year's official Chinese holidays and make-up working days into calendars."

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument(
            "--calendar",
            action="append",
            dest="codes",
            metavar="CODE",
            help="Calendar code (repeatable); default: every calendar that follows China's "
            "official days (uses_official_days).",
        )

    def handle(self, *args, year, codes, **options):
        if codes:
            calendars = list(BusinessCalendar.objects.filter(code__in=codes))
            unknown = sorted(set(codes) - {calendar.code for calendar in calendars})
            if unknown:
                raise CommandError(f"unknown calendar: {', '.join(unknown)}")
        else:
            calendars = list(BusinessCalendar.objects.filter(uses_official_days=True))
            if not calendars:
                raise CommandError(
                    "no calendar follows the official days (uses_official_days); "
                    "name one with --calendar"
                )
        for calendar in calendars:
            try:
                written = calendar_days_load(calendar=calendar, year=year)
            except CalendarError as exc:
                raise CommandError(str(exc)) from exc
            self.stdout.write(f"{calendar.code}: {year} loaded, {written} days written")
