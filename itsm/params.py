"""One reading of ids, page numbers and filter text from URLs, query strings and forms.

Every door (pages, API, URL converters, bulk forms) parses through here, so one set of rules
holds everywhere: ids are ASCII digits only (`"²".isdigit()` is true yet `int("²")` fails), within
the signed 64-bit range both SQLite and PostgreSQL store; text loses NUL characters (PostgreSQL
refuses them in a string) and is cut to a bounded length. Junk reads as "nothing given" or as an
id that matches no row, never as an exception.
"""

import re
from datetime import date

# Largest value of a BIGINT column on PostgreSQL and of an INTEGER on SQLite.
MAX_ID = 2**63 - 1
# Pages past this are served empty: OFFSET stays far within range, and a crawler following
# "next" links ends.
MAX_PAGE = 100_000
MAX_TEXT = 200
_DIGITS = re.compile(r"[0-9]{1,19}")


def parse_id(raw) -> int | None:
    """A positive row id, or None for anything else (junk, zero, out of range)."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        value = raw
    else:
        text = str(raw or "").strip()
        if not _DIGITS.fullmatch(text):
            return None
        value = int(text)
    return value if 0 < value <= MAX_ID else None


def parse_page(raw) -> int:
    """Page number from a query string: junk is page 1; anything past MAX_PAGE reads as
    MAX_PAGE + 1, a page served empty without asking the database."""
    text = str(raw or "").strip()
    if not text.isascii() or not text.isdigit():
        return 1
    if len(text) > len(str(MAX_PAGE)):
        return MAX_PAGE + 1
    return min(max(1, int(text)), MAX_PAGE + 1)


def clean_text(raw, max_length: int = MAX_TEXT) -> str:
    """Free text from a query string: NUL characters removed, surrounding space stripped, cut."""
    return str(raw or "").replace("\x00", "").strip()[:max_length]


def parse_choice(raw, allowed) -> str | None:
    """`raw` if it is one of `allowed` (compared after cleaning), else None."""
    text = clean_text(raw)
    return text if text in allowed else None


_DATE = re.compile(r"(20[0-9]{2})-([0-9]{2})-([0-9]{2})")


def parse_date(raw) -> date | None:
    """A calendar date written YYYY-MM-DD (years 2000-2099, what a form's date input sends), or
    None for anything else, impossible days (2026-02-30) included."""
    match = _DATE.fullmatch(clean_text(raw, 10))
    if not match:
        return None
    try:
        return date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


def parse_versioned_id(raw) -> tuple[int, int] | None:
    """'<id>:<version>' as a bulk form row carries it, or None if either part is junk."""
    ticket_id, sep, version = str(raw or "").partition(":")
    pk, ver = parse_id(ticket_id), parse_id(version)
    if not sep or pk is None or ver is None:
        return None
    return pk, ver


class IdConverter:
    """Path converter `<id:name>`: a row id in range, else the URL does not match (404)."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        parsed = parse_id(value)
        if parsed is None:
            raise ValueError(value)  # Django reads ValueError as "this route does not match"
        return parsed

    def to_url(self, value) -> str:
        return str(int(value))
