"""Print the business deadline N minutes after an instant on a calendar (ISO 8601, one line)."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.core.management.base import BaseCommand, CommandError

from sla.calendar import CalendarError, business_deadline
from sla.models import BusinessCalendar


def _instant(text: str, zone: ZoneInfo, what: str) -> datetime:
    """Parse ISO 8601; a naive instant is read in the calendar's zone."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise CommandError(
            f"{what} {text!r} is not an ISO 8601 instant, e.g. 2026-02-24T09:00+08:00"
        ) from None
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment


class Command(BaseCommand):
    help = "Print the deadline `--minutes` business minutes after `--start` on a calendar."

    def add_arguments(self, parser):
        parser.add_argument("--calendar", required=True, metavar="CODE")
        parser.add_argument("--start", required=True, metavar="ISO8601")
        parser.add_argument("--minutes", required=True, metavar="N")
        parser.add_argument(
            "--pause",
            action="append",
            default=[],
            metavar="ISO8601/ISO8601",
            help="A pause that does not count (repeatable).",
        )

    def handle(self, *args, calendar, start, minutes, pause, **options):
        found = BusinessCalendar.objects.filter(code=calendar).first()
        if found is None:
            known = ", ".join(BusinessCalendar.objects.values_list("code", flat=True))
            raise CommandError(f"unknown calendar {calendar!r}; known: {known}")
        zone = ZoneInfo(found.time_zone)
        begin = _instant(start, zone, "--start")
        try:
            amount = float(minutes)
        except ValueError:
            raise CommandError(f"--minutes {minutes!r} is not a number") from None
        if not 0 <= amount < float("inf"):
            raise CommandError(f"--minutes must be a finite number >= 0, got {minutes}")
        pauses = []
        for text in pause:
            pause_start, slash, pause_end = text.partition("/")
            if not slash:
                raise CommandError(f"--pause {text!r} must be START/END, both ISO 8601")
            pauses.append(
                (_instant(pause_start, zone, "pause start"), _instant(pause_end, zone, "pause end"))
            )
            if pauses[-1][1] < pauses[-1][0]:
                raise CommandError(f"--pause {text!r} ends before it starts")
        try:
            deadline = business_deadline(found.spec(), begin, amount, pauses)
        except CalendarError as exc:
            raise CommandError(f"calendar {calendar}: {exc}") from exc
        self.stdout.write(deadline.astimezone(zone).isoformat())
