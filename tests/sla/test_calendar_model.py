"""BusinessCalendar validation, its cached spec, and the built-in calendars and tier."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from sla.calendar import business_deadline
from sla.holidays_cn import covered_years
from sla.models import BusinessCalendar, CalendarDay, ServiceTier

from .conftest import cst

pytestmark = pytest.mark.django_db


def calendar(**hours) -> BusinessCalendar:
    fields = {"code": "test", "name": "Test", "time_zone": "Asia/Shanghai", "mon": "09:00-17:00"}
    return BusinessCalendar(**{**fields, **hours})


def errors_of(cal: BusinessCalendar) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        cal.full_clean()
    return caught.value.message_dict


def test_overlapping_intervals_are_refused_naming_them():
    errors = errors_of(calendar(tue="09:00-12:00, 11:00-13:00"))
    assert errors["tue"] == ["Invalid hours: intervals 09:00-12:00 and 11:00-13:00 overlap."]


def test_calendar_errors_are_translated(settings):
    from django.utils import translation

    with translation.override("zh-hans"):
        errors = errors_of(calendar(tue="09:00-12:00, 11:00-13:00", time_zone="Mars/Olympus"))
    assert "重叠" in errors["tue"][0] and "overlap" not in errors["tue"][0]


def test_end_before_start_is_refused():
    assert "end 08:00 is not after start 09:00" in errors_of(calendar(wed="09:00-08:00"))["wed"][0]


def test_unparseable_hours_are_refused():
    assert "expected HH:MM-HH:MM" in errors_of(calendar(fri="9 to 5"))["fri"][0]


def test_unknown_time_zone_is_refused():
    assert errors_of(calendar(time_zone="Mars/Olympus"))["time_zone"] == [
        "“Mars/Olympus” is not a known time zone."
    ]


def test_a_calendar_without_any_working_weekday_is_refused():
    errors = errors_of(calendar(mon="", makeup_hours="09:00-12:00"))
    assert errors["__all__"] == ["A calendar needs working hours on at least one weekday."]


def test_spec_is_cached_until_the_calendar_is_saved(django_assert_num_queries):
    cal = BusinessCalendar.objects.get(code="cn-9to5")
    spec = cal.spec()
    with django_assert_num_queries(0):
        assert cal.spec() is spec
    CalendarDay.objects.create(calendar=cal, date=date(2026, 3, 2), kind="holiday", name="Ours")
    cal.save()
    rebuilt = BusinessCalendar.objects.get(code="cn-9to5").spec()
    assert date(2026, 3, 2) in rebuilt.holidays and rebuilt is not spec


def test_builtin_calendars_have_the_official_2026_days():
    codes = set(BusinessCalendar.objects.values_list("code", flat=True))
    assert {"cn-std", "cn-9to5", "24x7"} <= codes
    std = BusinessCalendar.objects.get(code="cn-std").spec()
    assert date(2026, 10, 1) in std.holidays
    assert date(2026, 10, 10) in std.extra_workdays
    assert std.week[0] == ((540, 720), (780, 1080)) and std.week[5] == ()
    years = {day.year for day in std.holidays}
    assert years == set(covered_years())
    nine_to_five = BusinessCalendar.objects.get(code="cn-9to5").spec()
    assert nine_to_five.week[4] == ((540, 1020),) and nine_to_five.holidays == std.holidays
    always = BusinessCalendar.objects.get(code="24x7").spec()
    assert always.week == (((0, 1440),),) * 7 and not always.holidays
    assert CalendarDay.objects.get(calendar__code="cn-std", date=date(2026, 10, 1)).name == (
        "国庆节 National Day"
    )


def test_builtin_default_tier_runs_on_cn_std_with_all_priorities():
    tier = ServiceTier.objects.get(is_default=True)
    assert (tier.name, tier.calendar.code, tier.warning_percent) == (
        "Standard / 标准",
        "cn-std",
        75,
    )
    targets = {t.priority: (t.response_minutes, t.resolution_minutes) for t in tier.targets.all()}
    assert targets == {1: (30, 240), 2: (60, 480), 3: (240, 1440), 4: (480, 2880)}


def test_cn_std_deadline_skips_national_day():
    spec = BusinessCalendar.objects.get(code="cn-std").spec()
    assert business_deadline(spec, cst(9, 30, 17), 120) == cst(10, 8, 10)
