"""Next year's official holidays: the warning window, the weekly reminder, and importing days
from a CSV or iCalendar file with a preview."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from itsm.celery import app
from itsm.models import OutboundEmail
from itsm.tenancy import Role
from sla import context_processors
from sla.day_files import DayFileError, parse_day_file
from sla.models import BusinessCalendar, CalendarDay, OfficialDaysReminder, RetargetJob
from sla.official import official_days_missing, official_days_remind
from tests import factories as f

SH = ZoneInfo("Asia/Shanghai")
CSV_2027 = (
    "date,kind,name\n"
    "2027-01-01,holiday,元旦\n"
    "2027-02-06,休,春节\n"
    "2027-02-07,holiday,春节\n"
    "2027-02-20,班,春节调休\n"
)
ICS_2027 = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"
    "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20270206\r\nDTEND;VALUE=DATE:20270209\r\n"
    "SUMMARY:春节 Spring\r\n  Festival\r\nEND:VEVENT\r\n"
    "BEGIN:VEVENT\r\nDTSTART;VALUE=DATE:20270220\r\nSUMMARY:春节补班\r\nEND:VEVENT\r\n"
    "END:VCALENDAR\r\n"
)


def at(year, month, day, hour=9):
    return datetime(year, month, day, hour, tzinfo=SH)


# --- parsing -----------------------------------------------------------------------------------


def test_csv_rows_with_chinese_kinds():
    rows = parse_day_file(CSV_2027.encode())
    assert [(r.day, r.kind, r.name) for r in rows] == [
        (date(2027, 1, 1), "holiday", "元旦"),
        (date(2027, 2, 6), "holiday", "春节"),
        (date(2027, 2, 7), "holiday", "春节"),
        (date(2027, 2, 20), "workday", "春节调休"),
    ]


def test_ics_events_expand_to_their_days():
    rows = parse_day_file(ICS_2027.encode(), "cn-2027.ics")
    assert [(r.day.isoformat(), r.kind) for r in rows] == [
        ("2027-02-06", "holiday"),
        ("2027-02-07", "holiday"),
        ("2027-02-08", "holiday"),
        ("2027-02-20", "workday"),
    ]
    assert rows[0].name == "春节 Spring Festival"  # the folded summary line is joined


@pytest.mark.parametrize(
    ("content", "problems"),
    [
        (
            "2027-01-01,holiday\n2027-13-01,holiday\n2027-01-02,vacation\n",
            [
                "line 2: “2027-13-01” is not a date written YYYY-MM-DD.",
                "line 3: “vacation” is neither holiday nor workday.",
            ],
        ),
        (
            "2027-01-01,holiday\n\n2027-01-01,workday\n",
            ["line 3: 2027-01-01 is already given on line 1."],
        ),
        (
            "2027-01-01\n",
            ["line 1: expected a date and holiday or workday, e.g. 2027-02-11,holiday."],
        ),
        ("", ["The file holds no days."]),
        (
            "BEGIN:VCALENDAR\nBEGIN:VEVENT\nSUMMARY:x\nDTSTART:2027\nEND:VEVENT\nEND:VCALENDAR\n",
            ["line 4: the event has no all-day start date (DTSTART;VALUE=DATE:YYYYMMDD)."],
        ),
        (
            "BEGIN:VCALENDAR\nBEGIN:VEVENT\nDTSTART;VALUE=DATE:20270101\n"
            "DTEND;VALUE=DATE:20270301\nEND:VEVENT\nEND:VCALENDAR\n",
            ["line 4: the event's end date is not 1 to 31 days after its start."],
        ),
    ],
)
def test_parse_errors_name_their_lines(content, problems):
    with pytest.raises(DayFileError) as caught:
        parse_day_file(content.encode())
    assert caught.value.problems == problems


def test_binary_and_oversized_files_are_refused():
    with pytest.raises(DayFileError, match="not UTF-8"):
        parse_day_file(b"\xff\xfe\x00garbage")
    with pytest.raises(DayFileError, match="larger than 256 KB"):
        parse_day_file(b"2027-01-01,holiday\n" * 20000)


# --- the warning window ------------------------------------------------------------------------


@pytest.mark.django_db
def test_next_year_is_required_from_november_on():
    # The data migration loads the official days up to 2026 into cn-std and cn-9to5.
    assert official_days_missing(now=at(2026, 10, 31, 23)) == []
    missing = official_days_missing(now=at(2026, 11, 1, 0))
    assert [(m.calendar.code, m.year) for m in missing] == [("cn-9to5", 2027), ("cn-std", 2027)]
    calendar = BusinessCalendar.objects.get(code="cn-std")
    CalendarDay.objects.create(calendar=calendar, date=date(2027, 1, 1), kind="holiday")
    assert [(m.calendar.code, m.year) for m in official_days_missing(now=at(2026, 12, 31))] == [
        ("cn-9to5", 2027)
    ]
    # Past New Year the current year is what is missing; 24x7 follows no official days.
    assert [(m.calendar.code, m.year) for m in official_days_missing(now=at(2027, 3, 1))] == [
        ("cn-9to5", 2027)
    ]


@pytest.mark.django_db
def test_admins_see_the_warning_on_staff_pages_and_the_admin_index(
    client, monkeypatch, admin_user, agent_a
):
    monkeypatch.setattr(context_processors, "now", lambda: at(2026, 11, 2))
    client.force_login(admin_user)
    for url in (reverse("tickets:ticket-queue"), reverse("admin:index")):
        page = client.get(url).content.decode()
        assert "Official holidays are missing." in page, url
        assert "import 2027 into" in page
        assert reverse("admin:sla_businesscalendar_import_days", args=[1])[:-14] in page
    client.force_login(agent_a)
    assert "Official holidays are missing." not in client.get("/queue/").content.decode()
    monkeypatch.setattr(context_processors, "now", lambda: at(2026, 10, 20))
    client.force_login(admin_user)
    assert "Official holidays are missing." not in client.get("/queue/").content.decode()


# --- the weekly reminder -----------------------------------------------------------------------


@pytest.mark.django_db
def test_admins_are_emailed_once_a_week_until_the_days_are_loaded(admin_user):
    second = f.make_user(role=Role.ADMIN, username="admin2", language="zh-hans")
    f.make_user(role=Role.AGENT, username="agent9")
    monday = at(2026, 11, 2)
    assert official_days_remind(now=at(2026, 10, 26)) == 0  # October: nothing yet
    assert official_days_remind(now=monday) == 2
    emails = {e.to: e for e in OutboundEmail.objects.all()}
    assert set(emails) == {admin_user.email, second.email}
    assert (
        "cn-std" in emails[admin_user.email].body and "/import-days/" in emails[second.email].body
    )
    assert emails[second.email].subject == "2027 年的法定节假日缺失"
    # Daily runs in the same week send nothing; the next week sends again.
    for day in (2, 3, 8):
        assert official_days_remind(now=at(2026, 11, day, 18)) == 0
    assert official_days_remind(now=at(2026, 11, 9)) == 2
    assert OfficialDaysReminder.objects.count() == 2
    for code in ("cn-std", "cn-9to5"):
        CalendarDay.objects.create(
            calendar=BusinessCalendar.objects.get(code=code), date=date(2027, 1, 1), kind="holiday"
        )
    assert official_days_remind(now=at(2026, 11, 16)) == 0


def test_beat_runs_the_reminder_daily():
    entry = app.conf.beat_schedule["official-days-remind"]
    assert entry["task"] == "sla.tasks.official_days_remind"
    assert entry["schedule"].hour == {9}


# --- importing in the admin --------------------------------------------------------------------


@pytest.fixture
def admin_web(client, admin_user):
    client.force_login(admin_user)
    return client


def import_url(calendar):
    return reverse("admin:sla_businesscalendar_import_days", args=[calendar.pk])


@pytest.mark.django_db
def test_preview_then_apply(admin_web, django_capture_on_commit_callbacks):
    calendar = BusinessCalendar.objects.get(code="cn-std")
    CalendarDay.objects.create(calendar=calendar, date=date(2027, 2, 7), kind="workday", name="x")
    CalendarDay.objects.create(
        calendar=calendar, date=date(2027, 1, 1), kind="holiday", name="元旦"
    )
    upload = SimpleUploadedFile("days.csv", CSV_2027.encode(), content_type="text/csv")
    page = admin_web.post(import_url(calendar), {"file": upload})
    assert page.status_code == 200
    diff = page.context["diff"]
    assert [r.day.isoformat() for r in diff.added] == ["2027-02-06", "2027-02-20"]
    assert [(old.kind, row.kind) for old, row in diff.changed] == [("workday", "holiday")]
    assert diff.unchanged == 1
    assert "2 days to add, 1 to change, 1 already as in the file." in page.content.decode()
    assert calendar.days.filter(date__year=2027).count() == 2  # nothing saved yet

    with django_capture_on_commit_callbacks(execute=True):
        done = admin_web.post(
            import_url(calendar), {"content": page.context["content"], "apply": "1"}
        )
    assert done.status_code == 302
    days = dict(calendar.days.filter(date__year=2027).values_list("date", "kind"))
    assert days == {
        date(2027, 1, 1): "holiday",
        date(2027, 2, 6): "holiday",
        date(2027, 2, 7): "holiday",
        date(2027, 2, 20): "workday",
    }
    job = RetargetJob.objects.get()
    assert (job.scope, job.scope_id, job.status) == ("calendar", calendar.pk, "done")
    assert official_days_missing(now=at(2026, 11, 2))[0].calendar.code == "cn-9to5"


@pytest.mark.django_db
def test_a_bad_file_is_explained_and_changes_nothing(admin_web):
    calendar = BusinessCalendar.objects.get(code="cn-std")
    upload = SimpleUploadedFile("days.csv", b"2027-01-01,holiday\n2027-02-30,holiday\n")
    page = admin_web.post(import_url(calendar), {"file": upload})
    assert page.status_code == 400
    assert "line 2: “2027-02-30” is not a date written YYYY-MM-DD." in page.content.decode()
    assert not calendar.days.filter(date__year=2027).exists()
    assert (
        admin_web.post(import_url(calendar), {"content": "junk", "apply": "1"}).status_code == 400
    )
    assert not RetargetJob.objects.exists()


@pytest.mark.django_db
def test_only_admins_import(client, agent_a, admin_user):
    from django.core.exceptions import PermissionDenied

    from sla.services import calendar_days_import

    calendar = BusinessCalendar.objects.get(code="cn-std")
    client.force_login(agent_a)
    assert client.get(import_url(calendar)).status_code == 302  # the admin site's sign-in
    with pytest.raises(PermissionDenied):
        calendar_days_import(
            actor=agent_a, calendar=calendar, rows=parse_day_file(CSV_2027.encode())
        )
    assert client.get(
        reverse("admin:sla_businesscalendar_import_days", args=[999999])
    ).status_code in (
        302,
        404,
    )
    assert not mail.outbox
