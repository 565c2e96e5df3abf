"""Holidays and make-up working days read from a file an admin uploads: CSV or iCalendar.

Pure: text in, (date, kind, name) rows or line-numbered errors out. The service compares the rows
with a calendar (preview) and writes them (apply).

CSV, one day a line: `2027-02-11,holiday,春节` (name optional; a header line `date,...` and blank
lines are skipped). The kind is `holiday` / `workday`, or 休 / 班 as Chinese calendars print them.

iCalendar (.ics, e.g. a public holiday feed): each VEVENT with an all-day DTSTART (and DTEND,
exclusive, for several days) gives its days; a SUMMARY containing 班, 补班, "workday" or "make-up"
marks make-up working days, anything else holidays.
"""

import csv
import io
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext as _

HOLIDAY = "holiday"
WORKDAY = "workday"
MAX_FILE_BYTES = 256 * 1024
MAX_EVENT_DAYS = 31  # one VEVENT spanning more than this is a mistake, not a holiday
KINDS = {"holiday": HOLIDAY, "休": HOLIDAY, "workday": WORKDAY, "班": WORKDAY}
WORKDAY_WORDS = ("班", "workday", "make-up", "makeup", "working day")


@dataclass(frozen=True)
class DayRow:
    day: date
    kind: str
    name: str
    line: int


class DayFileError(Exception):
    """Every problem found, each "line N: what is wrong", in the active language."""

    def __init__(self, problems: list[str]):
        super().__init__("; ".join(problems))
        self.problems = problems


def parse_day_file(content: bytes, filename: str = "") -> list[DayRow]:
    """The rows of an uploaded file, sorted by date; DayFileError lists every bad line."""
    if len(content) > MAX_FILE_BYTES:
        raise DayFileError([_("The file is larger than 256 KB.")])
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DayFileError([_("The file is not UTF-8 text.")]) from None
    if "BEGIN:VCALENDAR" in text.upper() or filename.lower().endswith(".ics"):
        rows, problems = _parse_ics(text)
    else:
        rows, problems = _parse_csv(text)
    seen: dict[date, int] = {}
    for row in rows:
        if row.day in seen:
            problems.append(
                _("line %(line)s: %(date)s is already given on line %(first)s.")
                % {"line": row.line, "date": row.day.isoformat(), "first": seen[row.day]}
            )
        seen.setdefault(row.day, row.line)
    if problems:
        raise DayFileError(problems)
    if not rows:
        raise DayFileError([_("The file holds no days.")])
    return sorted(rows, key=lambda row: row.day)


def _date(text: str) -> date | None:
    text = text.strip()
    try:
        if len(text) == 8 and text.isdigit():  # iCalendar's 20270211
            return date(int(text[:4]), int(text[4:6]), int(text[6:]))
        return date.fromisoformat(text) if len(text) == 10 else None
    except ValueError:
        return None


def _parse_csv(text: str) -> tuple[list[DayRow], list[str]]:
    rows, problems = [], []
    for number, fields in enumerate(csv.reader(io.StringIO(text)), start=1):
        fields = [field.strip() for field in fields]
        if not any(fields) or (number == 1 and fields[0].lower() == "date"):
            continue
        if len(fields) < 2:
            problems.append(
                _("line %(line)s: expected a date and holiday or workday, e.g. 2027-02-11,holiday.")
                % {"line": number}
            )
            continue
        day, kind = _date(fields[0]), KINDS.get(fields[1].lower())
        if day is None:
            problems.append(
                _("line %(line)s: “%(value)s” is not a date written YYYY-MM-DD.")
                % {"line": number, "value": fields[0][:40]}
            )
        if kind is None:
            problems.append(
                _("line %(line)s: “%(value)s” is neither holiday nor workday.")
                % {"line": number, "value": fields[1][:40]}
            )
        if day and kind:
            name = fields[2][:100] if len(fields) > 2 else ""
            rows.append(DayRow(day=day, kind=kind, name=name, line=number))
    return rows, problems


def _unfolded(text: str) -> list[tuple[int, str]]:
    """iCalendar lines with continuation lines (leading space or tab) joined, each numbered by
    the line it starts on."""
    lines: list[tuple[int, str]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if raw[:1] in (" ", "\t") and lines:
            lines[-1] = (lines[-1][0], lines[-1][1] + raw[1:])
        else:
            lines.append((number, raw))
    return lines


def _parse_ics(text: str) -> tuple[list[DayRow], list[str]]:
    rows, problems = [], []
    event: dict | None = None
    for number, line in _unfolded(text):
        name, _sep, value = line.partition(":")
        key = name.split(";")[0].strip().upper()
        if key == "BEGIN" and value.strip().upper() == "VEVENT":
            event = {"line": number}
        elif key == "END" and value.strip().upper() == "VEVENT" and event is not None:
            rows += _event_days(event, problems)
            event = None
        elif event is not None and key in ("DTSTART", "DTEND", "SUMMARY"):
            event[key] = (value.strip(), number)
    if not rows and not problems and "BEGIN:VEVENT" not in text.upper():
        problems.append(_("The calendar file holds no events (VEVENT)."))
    return rows, problems


def _event_days(event: dict, problems: list[str]) -> list[DayRow]:
    start_text, start_line = event.get("DTSTART", ("", event["line"]))
    start = _date(start_text)
    if start is None:
        problems.append(
            _("line %(line)s: the event has no all-day start date (DTSTART;VALUE=DATE:YYYYMMDD).")
            % {"line": start_line}
        )
        return []
    end_text, end_line = event.get("DTEND", ("", start_line))
    end = _date(end_text) if end_text else start + timedelta(days=1)
    if end is None or not start < end <= start + timedelta(days=MAX_EVENT_DAYS):
        problems.append(
            _("line %(line)s: the event's end date is not 1 to %(max)s days after its start.")
            % {"line": end_line, "max": MAX_EVENT_DAYS}
        )
        return []
    summary = event.get("SUMMARY", ("", start_line))[0].replace("\\,", ",")[:100]
    lowered = summary.lower()
    kind = WORKDAY if any(word in lowered for word in WORKDAY_WORDS) else HOLIDAY
    days = (end - start).days
    return [
        DayRow(day=start + timedelta(days=n), kind=kind, name=summary, line=start_line)
        for n in range(days)
    ]
