"""Built-in calendars (cn-std, cn-9to5, 24x7) with China's official days, and the default tier."""

from django.db import migrations

from sla.holidays_cn import covered_years
from sla.official_days import cn_official_rows

OFFICE = "09:00-12:00, 13:00-18:00"
NINE_TO_FIVE = "09:00-17:00"
ALWAYS = "00:00-24:00"
CALENDARS = [
    # code, name, weekday hours, weekend hours, official Chinese days
    ("cn-std", "China office hours 09:00-18:00 / 中国标准工作时间", OFFICE, "", True),
    ("cn-9to5", "China 09:00-17:00 / 中国 9-17 点", NINE_TO_FIVE, "", True),
    ("24x7", "Around the clock / 全天候", ALWAYS, ALWAYS, False),
]
# priority: (response, resolution) in business minutes
STANDARD_TARGETS = {1: (30, 240), 2: (60, 480), 3: (240, 1440), 4: (480, 2880)}


def create(apps, schema_editor):
    BusinessCalendar = apps.get_model("sla", "BusinessCalendar")
    CalendarDay = apps.get_model("sla", "CalendarDay")
    ServiceTier = apps.get_model("sla", "ServiceTier")
    TierTarget = apps.get_model("sla", "TierTarget")
    rows = [row for year in covered_years() for row in cn_official_rows(year)]
    for code, name, weekday, weekend, official in CALENDARS:
        calendar, created = BusinessCalendar.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "time_zone": "Asia/Shanghai",
                **dict.fromkeys(("mon", "tue", "wed", "thu", "fri"), weekday),
                **dict.fromkeys(("sat", "sun"), weekend),
            },
        )
        if created and official:
            CalendarDay.objects.bulk_create(
                CalendarDay(calendar=calendar, date=day, kind=kind, name=day_name)
                for day, kind, day_name in rows
            )
    if not ServiceTier.objects.filter(is_default=True).exists():
        tier = ServiceTier.objects.create(
            name="Standard / 标准",
            rank=100,
            description="Built-in default for clients without a tier assignment.",
            calendar=BusinessCalendar.objects.get(code="cn-std"),
            is_default=True,
        )
        TierTarget.objects.bulk_create(
            TierTarget(tier=tier, priority=p, response_minutes=r, resolution_minutes=s)
            for p, (r, s) in STANDARD_TARGETS.items()
        )


class Migration(migrations.Migration):
    dependencies = [("sla", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
