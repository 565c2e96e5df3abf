"""Breach instants: a clock is breached only once more than its target is used (issue 14).

Adds SlaClock.breach_at and brings stored clocks in line with the rule:
- every clock gets its breach instant (due_at, or the end of the gap starting there);
- a recorded breach is re-dated to that instant, or removed when the clock used at most its
  target (stopped clocks then count as met, unless the ticket was cancelled before completing);
- running clocks check no later than their breach instant.
Timeline events already written stay as they were: the timeline is an immutable record.
"""

from datetime import date, datetime

from django.db import migrations, models
from django.utils import timezone

from sla.calendar import CalendarSpec, breach_instant, parse_intervals

WEEKDAY_FIELDS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _spec(calendar, days) -> CalendarSpec:
    return CalendarSpec(
        tz=calendar.time_zone,
        week=tuple(parse_intervals(getattr(calendar, field)) for field in WEEKDAY_FIELDS),
        holidays=frozenset(day for day, kind in days if kind == "holiday"),
        extra_workdays=frozenset(day for day, kind in days if kind == "workday"),
        makeup_hours=parse_intervals(calendar.makeup_hours),
    )


def _pauses(clock) -> list[tuple[datetime, datetime]]:
    return [(datetime.fromisoformat(p["start"]), datetime.fromisoformat(p["end"])) for p in clock.pauses]


def _completes(clock, ticket) -> bool:
    if clock.kind == "response" and ticket.first_response_at is not None:
        return True
    return ticket.status != "cancelled"


def forwards(apps, schema_editor):
    BusinessCalendar = apps.get_model("sla", "BusinessCalendar")
    SlaClock = apps.get_model("sla", "SlaClock")
    now = timezone.now()
    specs: dict[int, CalendarSpec] = {}
    for calendar in BusinessCalendar.objects.all():
        days: list[tuple[date, str]] = list(calendar.days.values_list("date", "kind"))
        specs[calendar.pk] = _spec(calendar, days)
    clocks = SlaClock.objects.select_related("ticket").order_by("pk")
    for clock in clocks.iterator(chunk_size=500):
        clock.breach_at = breach_instant(
            specs[clock.calendar_id], clock.started_at, clock.target_minutes, _pauses(clock)
        )
        running = clock.stopped_at is None and clock.paused_since is None
        until = clock.stopped_at or clock.paused_since or now
        if clock.breached_at is not None:
            if until > clock.breach_at:
                clock.breached_at = clock.breach_at
            else:
                clock.breached_at = None
                if clock.stopped_at is not None and clock.met is False:
                    clock.met = True if _completes(clock, clock.ticket) else None
        if running and clock.breached_at is None:
            clock.next_check_at = min(
                [instant for instant in (clock.next_check_at, clock.breach_at) if instant]
            )
        clock.save(update_fields=["breach_at", "breached_at", "met", "next_check_at"])


class Migration(migrations.Migration):
    dependencies = [
        ("sla", "0002_builtin_calendars_and_tier"),
        ("tickets", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="slaclock",
            name="breach_at",
            field=models.DateTimeField(null=True, verbose_name="breached after"),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="slaclock",
            name="breach_at",
            field=models.DateTimeField(verbose_name="breached after"),
        ),
    ]
