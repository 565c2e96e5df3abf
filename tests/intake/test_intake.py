"""One intake for every door: senders mapped to tickets, replies threaded, junk ignored."""

import io
from datetime import timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from django.db.models import Q
from django.utils import timezone

from intake.models import ClientEmailDomain, InboundEmail
from intake.services import intake_message
from itsm.models import OutboundEmail
from tests import factories as f
from tickets.models import TicketEvent

pytestmark = pytest.mark.django_db
CORPUS = Path(__file__).parent / "corpus"
NOW = timezone.now()


def message(sender, subject, body="hello", *, extra="", msgid=None) -> bytes:
    msgid = msgid or f"<m{next(_ids)}@mail.example.cn>"
    return (
        f"From: {sender}\r\nTo: service@provider.example\r\nMessage-ID: {msgid}\r\n"
        f"Subject: {subject}\r\n{extra}Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    ).encode()


_ids = iter(range(10**6))


@pytest.fixture
def li_ming(client_a, site_a):
    return f.make_user(client=client_a, site=site_a, email="li.ming@huaxin.example.cn")


def notification_to(person, ticket) -> OutboundEmail:
    # The filing confirmation is stored with ids and rendered when sent: no subject yet.
    about = Q(subject__contains=ticket.reference) | Q(context__ticket=ticket.pk)
    return OutboundEmail.objects.filter(about, to=person.email).last()


def test_known_sender_files_a_ticket_by_email(li_ming):
    row = intake_message(raw=(CORPUS / "plain.eml").read_bytes(), now=NOW)
    assert row.status == InboundEmail.Status.TICKET, row.reason
    ticket = row.ticket
    assert ticket.requester == li_ming and ticket.channel == "email"
    assert ticket.subject == "Printer on 3rd floor jams"
    assert "jams on every second page" in ticket.description
    assert row.client == li_ming.client and bytes(row.raw).startswith(b"Return-Path")


def test_gbk_mail_reads_correctly(client_a, site_a):
    f.make_user(client=client_a, site=site_a, email="wang.fang@huaxin.example.cn")
    row = intake_message(raw=(CORPUS / "gbk_body.eml").read_bytes(), now=NOW)
    assert row.ticket.subject == "电脑无法开机 朱镕基路网点"
    assert "朱镕基路网点的电脑今天早上无法开机" in row.ticket.description


def test_attachments_follow_the_portal_rules(li_ming):
    row = intake_message(raw=(CORPUS / "multipart_attachments.eml").read_bytes(), now=NOW)
    assert row.status == "ticket"
    names = sorted(row.ticket.attachments.values_list("filename", flat=True))
    assert names == ["报告.pdf", "故障截图.png"]
    assert "setup.exe" in row.reason and "program" in row.reason


def test_html_only_mail_becomes_safe_text(client_a, site_a):
    f.make_user(client=client_a, site=site_a, email="zhang.san@huaxin.example.cn")
    row = intake_message(raw=(CORPUS / "html_only.eml").read_bytes(), now=NOW)
    assert "VPN 无法连接" in row.ticket.description
    assert "<" not in row.ticket.description and "alert" not in row.ticket.description


def test_reply_by_mail_lands_on_the_ticket_without_history(li_ming):
    ticket = f.make_ticket(requester=li_ming, subject="Printer")
    sent = notification_to(li_ming, ticket)
    raw = (CORPUS / "reply_outlook.eml").read_bytes()
    raw = raw.replace(b"HX-000001", ticket.reference.encode()).replace(
        b"Content-Type", f"In-Reply-To: {sent.message_id}\r\nContent-Type".encode(), 1
    )
    row = intake_message(raw=raw, now=NOW)
    assert row.status == InboundEmail.Status.REPLY, row.reason
    event = ticket.events.get(kind=TicketEvent.Kind.REPLY)
    assert event.body == "It still jams after the restart." and event.actor == li_ming
    assert not event.is_internal


@pytest.mark.parametrize("style", ["reply_qq.eml", "reply_gmail.eml", "reply_foxmail.eml"])
def test_replies_in_other_mailers_styles(li_ming, style):
    ticket = f.make_ticket(requester=li_ming, subject="Printer")
    sent = notification_to(li_ming, ticket)
    raw = (
        (CORPUS / style)
        .read_bytes()
        .replace(b"Message-ID:", f"References: {sent.message_id}\r\nMessage-ID:".encode(), 1)
    )
    row = intake_message(raw=raw, now=NOW)
    assert row.status == "reply", row.reason
    body = ticket.events.get(kind="reply").body
    assert "请重启" not in body and "restart the printer" not in body


def reply_from(sender, ticket, sent) -> bytes:
    return message(
        sender.email,
        f"Re: [{ticket.reference}] {ticket.subject}",
        "Please close it.",
        extra=f"In-Reply-To: {sent.message_id}\r\nReferences: {sent.message_id}\r\n",
    )


def test_forged_reference_to_another_clients_ticket_goes_to_triage(ticket_a1, user_a1, user_b1):
    sent = notification_to(user_a1, ticket_a1)
    row = intake_message(raw=reply_from(user_b1, ticket_a1, sent), now=NOW)
    assert row.status == "triage" and row.ticket is None
    assert not ticket_a1.events.filter(kind="reply").exists()


def test_forged_reference_to_another_requesters_ticket_goes_to_triage(ticket_a1, user_a1, user_a2):
    sent = notification_to(user_a1, ticket_a1)
    row = intake_message(raw=reply_from(user_a2, ticket_a1, sent), now=NOW)
    assert row.status == "triage" and row.ticket is None
    assert not ticket_a1.events.filter(kind="reply").exists()


def test_reference_without_our_message_id_goes_to_triage(ticket_a1, user_a1):
    raw = message(
        user_a1.email, f"Re: [{ticket_a1.reference}]", "hi", extra="In-Reply-To: <x@y>\r\n"
    )
    assert intake_message(raw=raw, now=NOW).status == "triage"
    # A genuine reply from the requester lands: the two refusals above are not accidents.
    sent = notification_to(user_a1, ticket_a1)
    assert intake_message(raw=reply_from(user_a1, ticket_a1, sent), now=NOW).status == "reply"


@pytest.mark.parametrize("name", ["auto_reply_zh.eml", "auto_reply_outlook.eml", "bounce.eml"])
def test_robots_never_file_or_get_an_answer(li_ming, name):
    ticket = f.make_ticket(requester=li_ming, subject="Printer")
    sent = notification_to(li_ming, ticket)
    raw = (CORPUS / name).read_bytes().replace(b"HX-000001", ticket.reference.encode())
    raw = raw.replace(b"Message-ID:", f"In-Reply-To: {sent.message_id}\r\nMessage-ID:".encode(), 1)
    outbox_before = OutboundEmail.objects.count()
    row = intake_message(raw=raw, now=NOW)
    assert row.status == "ignored"
    assert ticket.events.count() == 1  # created only
    assert OutboundEmail.objects.count() == outbox_before


def test_mail_from_the_service_itself_is_ignored(settings):
    settings.DEFAULT_FROM_EMAIL = "IT Service <itsm@provider.example>"
    settings.SERVICE_MAILBOX = "service@provider.example"
    for sender in ("ITSM@provider.example", "service@provider.example"):
        row = intake_message(raw=message(sender, "[HX-000001] New reply"), now=NOW)
        assert row.status == "ignored" and row.reason == "sent by this service itself"
    assert not OutboundEmail.objects.exists()


def test_rate_limit_per_sender(li_ming, settings):
    settings.INTAKE_RATE_PER_HOUR = 3
    rows = [intake_message(raw=message(li_ming.email, f"s{i}"), now=NOW) for i in range(4)]
    assert [r.status for r in rows] == ["ticket", "ticket", "ticket", "ignored"]
    assert "rate limit" in rows[-1].reason
    later = intake_message(raw=message(li_ming.email, "later"), now=NOW + timedelta(hours=2))
    assert later.status == "ticket"


def test_suspended_client_gets_a_clear_refusal(li_ming, client_a):
    client_a.status, client_a.suspension_reason = "suspended", "contract ended"
    client_a.save()
    row = intake_message(raw=message(li_ming.email, "help"), now=NOW)
    assert row.status == "refused" and row.ticket is None
    refusal = OutboundEmail.objects.get(to=li_ming.email)
    assert "suspended" in refusal.body and "contract ended" in refusal.body


def test_unknown_sender_from_a_client_domain_waits_in_triage_with_the_client(client_a):
    ClientEmailDomain.objects.create(client=client_a, domain="HuaXin.example.cn")
    row = intake_message(raw=message("new.person@huaxin.example.cn", "hi"), now=NOW)
    assert row.status == "triage" and row.client == client_a
    stranger = intake_message(raw=message("x@elsewhere.example", "hi"), now=NOW)
    assert stranger.status == "triage" and stranger.client is None


def test_staff_sender_is_not_a_requester(agent_a):
    assert intake_message(raw=message(agent_a.email, "hi"), now=NOW).status == "triage"


def test_same_message_twice_is_taken_in_once(li_ming):
    raw = message(li_ming.email, "once", msgid="<same@x>")
    assert intake_message(raw=raw, now=NOW) == intake_message(raw=raw, now=NOW)
    assert InboundEmail.objects.count() == 1


def test_huge_message_is_kept_but_not_parsed(li_ming, settings):
    settings.INTAKE_MAX_BYTES = 2000
    raw = message(li_ming.email, "big", "x" * 5000)
    row = intake_message(raw=raw, now=NOW)
    assert row.status == "triage" and "limit" in row.reason
    assert row.size == len(raw) and bytes(row.raw) == raw[:2000]


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.eml")), ids=lambda p: p.name)
def test_every_corpus_message_is_kept(li_ming, path):
    row = intake_message(raw=path.read_bytes(), now=NOW)
    assert bytes(row.raw) == path.read_bytes()


def test_management_command_reads_stdin(li_ming, monkeypatch):
    raw = (CORPUS / "plain.eml").read_bytes()
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(raw)))
    out = io.StringIO()
    call_command("intake_email", stdout=out)
    assert "ticket" in out.getvalue()
    assert InboundEmail.objects.get().ticket.requester == li_ming


def test_notifications_thread_by_ticket(li_ming, settings, django_capture_on_commit_callbacks):
    settings.SERVICE_MAILBOX = "service@provider.example"
    settings.DEFAULT_FROM_EMAIL = "IT <itsm@provider.example>"
    with django_capture_on_commit_callbacks(execute=True):
        ticket = f.make_ticket(requester=li_ming, subject="Printer")
    sent = mail.outbox[-1]
    root = f"<ticket-{ticket.pk}@provider.example>"
    assert f"[{ticket.reference}]" in sent.subject
    assert sent.extra_headers["In-Reply-To"] == root
    assert sent.extra_headers["References"] == root
    assert sent.extra_headers["Reply-To"] == "service@provider.example"
    row = OutboundEmail.objects.get(to=li_ming.email)
    assert sent.extra_headers["Message-ID"] == row.message_id
    assert str(sent.message()["Message-ID"]) == row.message_id


def test_a_concurrent_intake_of_the_same_message_files_nothing_twice(li_ming, monkeypatch):
    # Two fetches overlapping: the second looked before the first committed, so its own check
    # found nothing; the database's constraint must then undo the second filing.
    raw = message(li_ming.email, "race", msgid="<race@x>")
    first = intake_message(raw=raw, now=NOW)
    monkeypatch.setattr("intake.services._earlier", _earlier_only_after_failure())
    assert intake_message(raw=raw, now=NOW) == first
    assert InboundEmail.objects.count() == 1
    assert li_ming.requested_tickets.count() == 1


def _earlier_only_after_failure():
    from intake import services

    real, calls = services._earlier, []

    def earlier(parsed):
        calls.append(parsed)
        return None if len(calls) == 1 else real(parsed)

    return earlier


def test_messages_without_message_id_are_not_held_to_one(li_ming):
    raw = message(li_ming.email, "no id").replace(b"Message-ID: ", b"X-Old-ID: ", 1)
    intake_message(raw=raw, now=NOW)
    intake_message(raw=raw, now=NOW)
    assert InboundEmail.objects.filter(message_id="").count() == 2


@pytest.mark.django_db(transaction=True)  # SQLite alters a table only outside a transaction
def test_the_migration_sets_apart_rows_a_race_took_in_twice(li_ming):
    import importlib

    from django.apps import apps
    from django.db import connection

    migration = importlib.import_module("intake.migrations.0002_inbound_once_per_message")
    constraint = InboundEmail._meta.constraints[0]
    with connection.schema_editor() as editor:
        editor.remove_constraint(InboundEmail, constraint)
    rows = [
        InboundEmail.objects.create(
            message_id="<d@x>", from_address=li_ming.email, raw=b"", size=0, received_at=NOW
        )
        for _ in range(3)
    ]
    migration.set_apart_duplicates(apps, None)
    with connection.schema_editor() as editor:
        editor.add_constraint(InboundEmail, constraint)
    kept = InboundEmail.objects.get(message_id="<d@x>")
    assert kept == rows[0]
    others = InboundEmail.objects.filter(pk__in=[rows[1].pk, rows[2].pk])
    assert {r.reason for r in others} == {f"Duplicate of inbound email #{rows[0].pk}"}
