"""China's official days of one year as (date, kind, name) rows for CalendarDay tables."""

from datetime import date

import chinese_calendar

from .holidays_cn import china_official_days

HOLIDAY = "holiday"
WORKDAY = "workday"

# chinese_calendar names days by English festival name; its Holiday enum knows the Chinese one.
_CHINESE_NAMES = {holiday.value: holiday.chinese for holiday in chinese_calendar.Holiday}


def cn_official_rows(year: int) -> list[tuple[date, str, str]]:
    """Holidays and make-up working days of `year`, named "国庆节 National Day".

    Raises sla.calendar.CalendarError naming the covered range for a year without data.
    """
    holidays, makeup_days = china_official_days(year)
    rows = [(day, HOLIDAY, _name(day, "")) for day in holidays]
    rows += [(day, WORKDAY, _name(day, "调休 make-up day")) for day in makeup_days]
    return sorted(rows)


def _name(day: date, suffix: str) -> str:
    english = chinese_calendar.holidays.get(day) or chinese_calendar.workdays.get(day) or ""
    name = f"{_CHINESE_NAMES.get(english, '')} {english}".strip()
    return f"{name} {suffix}".strip()[:100]
