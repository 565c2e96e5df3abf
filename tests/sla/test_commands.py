"""load_cn_holidays and sla_deadline management commands."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from sla.holidays_cn import covered_years
from sla.models import BusinessCalendar, CalendarDay

pytestmark = pytest.mark.django_db


def run(name: str, *args: str) -> str:
    out = StringIO()
    call_command(name, *args, stdout=out)
    return out.getvalue()


def test_load_cn_holidays_restores_a_year_on_the_named_calendar():
    CalendarDay.objects.filter(calendar__code="cn-9to5", date__year=2026).delete()
    out = run("load_cn_holidays", "--year", "2026", "--calendar", "cn-9to5")
    assert "cn-9to5: 2026 loaded" in out
    days = CalendarDay.objects.filter(calendar__code="cn-9to5", date__year=2026)
    assert days.get(date=date(2026, 10, 1)).kind == "holiday"
    assert days.get(date=date(2026, 10, 10)).kind == "workday"
    assert date(2026, 10, 1) in BusinessCalendar.objects.get(code="cn-9to5").spec().holidays


def test_load_cn_holidays_defaults_to_every_cn_calendar_and_keeps_hand_made_days():
    cal = BusinessCalendar.objects.get(code="cn-std")
    CalendarDay.objects.create(calendar=cal, date=date(2026, 6, 1), kind="holiday", name="Ours")
    out = run("load_cn_holidays", "--year", "2026")
    assert "cn-std: 2026 loaded, 0 days written" in out and "cn-9to5: 2026 loaded" in out
    assert "24x7" not in out
    assert CalendarDay.objects.filter(calendar=cal, date=date(2026, 6, 1)).exists()


def test_load_cn_holidays_refuses_a_year_outside_the_data_naming_the_range():
    covered = covered_years()
    with pytest.raises(CommandError, match=f"covers {covered.start}-{covered.stop - 1}"):
        run("load_cn_holidays", "--year", str(covered.stop + 5))


def test_load_cn_holidays_refuses_an_unknown_calendar():
    with pytest.raises(CommandError, match="unknown calendar: nope"):
        run("load_cn_holidays", "--year", "2026", "--calendar", "nope")


def test_sla_deadline_prints_iso_with_the_calendar_offset():
    out = run(
        "sla_deadline", "--calendar", "cn-std", "--start", "2026-02-24T09:00", "--minutes", "1"
    )
    assert out == "2026-02-24T09:01:00+08:00\n"


def test_sla_deadline_reads_offsets_and_pauses():
    out = run(
        "sla_deadline",
        "--calendar",
        "cn-std",
        "--start",
        "2026-02-24T01:00Z",
        "--minutes",
        "60",
        "--pause",
        "2026-02-24T09:00/2026-02-24T09:30+08:00",
    )
    assert out == "2026-02-24T10:30:00+08:00\n"


def test_sla_deadline_crosses_spring_festival():
    out = run(
        "sla_deadline", "--calendar", "cn-std", "--start", "2026-02-13T17:00", "--minutes", "120"
    )
    assert out == "2026-02-14T10:00:00+08:00\n"  # Saturday 2-14 is a make-up working day


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--calendar", "nope", "--start", "2026-02-24T09:00", "--minutes", "1"],
            "unknown calendar 'nope'",
        ),
        (
            ["--calendar", "cn-std", "--start", "yesterday", "--minutes", "1"],
            "--start 'yesterday' is not an ISO 8601",
        ),
        (
            ["--calendar", "cn-std", "--start", "2026-02-24T09:00", "--minutes", "-5"],
            "finite number >= 0",
        ),
        (
            ["--calendar", "cn-std", "--start", "2026-02-24T09:00", "--minutes", "ten"],
            "'ten' is not a number",
        ),
        (
            [
                "--calendar",
                "cn-std",
                "--start",
                "2026-02-24T09:00",
                "--minutes",
                "1",
                "--pause",
                "2026-02-24T10:00/2026-02-24T09:00",
            ],
            "ends before it starts",
        ),
        (
            [
                "--calendar",
                "cn-std",
                "--start",
                "2026-02-24T09:00",
                "--minutes",
                "1",
                "--pause",
                "2026-02-24T10:00",
            ],
            "must be START/END",
        ),
    ],
)
def test_sla_deadline_refuses_bad_arguments_clearly(args, message):
    with pytest.raises(CommandError, match=message):
        run("sla_deadline", *args)
