"""IMAP fetching: a real round trip through dovecot on loopback, and the order of the steps."""

import imaplib
from pathlib import Path

import pytest
from django.utils import timezone

from intake import imap
from intake.models import InboundEmail
from tests import factories as f
from tests.servers import require

from .dovecot import Dovecot, dovecot_binary

pytestmark = pytest.mark.django_db
CORPUS = Path(__file__).parent / "corpus"


@pytest.fixture(scope="module")
def dovecot():
    binary = dovecot_binary()
    require(binary is not None, "needs dovecot: apt-get install dovecot-imapd")
    server = Dovecot(binary)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def mailbox(dovecot, settings):
    settings.IMAP_HOST, settings.IMAP_PORT, settings.IMAP_SSL = "127.0.0.1", dovecot.port, False
    settings.IMAP_USER, settings.IMAP_PASSWORD = dovecot.user, dovecot.password
    settings.IMAP_FOLDER, settings.IMAP_DONE_FOLDER = "INBOX", ""
    box = imaplib.IMAP4("127.0.0.1", dovecot.port, timeout=10)
    box.login(dovecot.user, dovecot.password)
    box.delete("Done")  # left by an earlier test, or NO: either is fine
    box.select("INBOX")
    if box.search(None, "ALL")[1][0]:
        box.store("1:*", "+FLAGS", "(\\Deleted)")
        box.expunge()
    yield box
    box.logout()


def deliver(box, raw: bytes) -> None:
    status, _ = box.append("INBOX", None, None, raw)
    assert status == "OK"


def flags(box) -> list[bytes]:
    box.select("INBOX")
    _, data = box.fetch("1:*", "(FLAGS)")
    return [item for item in data if item]


@pytest.mark.server
def test_round_trip_through_a_real_imap_server(mailbox, client_a, site_a):
    f.make_user(client=client_a, site=site_a, email="wang.fang@huaxin.example.cn")
    deliver(mailbox, (CORPUS / "gbk_body.eml").read_bytes())
    deliver(mailbox, (CORPUS / "auto_reply_zh.eml").read_bytes())
    assert imap.imap_fetch(now=timezone.now()) == 2
    ticket = InboundEmail.objects.get(status="ticket").ticket
    assert ticket.subject == "电脑无法开机 朱镕基路网点" and ticket.channel == "email"
    assert InboundEmail.objects.filter(status="ignored").count() == 1
    assert all(b"\\Seen" in item for item in flags(mailbox))
    # Seen messages are not fetched again.
    assert imap.imap_fetch(now=timezone.now()) == 0
    assert InboundEmail.objects.count() == 2


@pytest.mark.server
def test_handled_messages_move_to_the_done_folder(mailbox, settings, user_a1):
    settings.IMAP_DONE_FOLDER = "Done"
    mailbox.create("Done")
    raw = f"From: {user_a1.email}\r\nMessage-ID: <mv@x>\r\nSubject: moved\r\n\r\nhi\r\n"
    deliver(mailbox, raw.encode())
    assert imap.imap_fetch(now=timezone.now()) == 1
    mailbox.select("INBOX")
    assert mailbox.search(None, "ALL")[1] == [b""]
    mailbox.select("Done")
    assert len(mailbox.search(None, "ALL")[1][0].split()) == 1
    mailbox.select("INBOX")


class FakeImap:
    """Records the commands; serves the given messages as unseen."""

    def __init__(self, messages: list[bytes]):
        self.messages = {str(i + 1).encode(): raw for i, raw in enumerate(messages)}
        self.calls: list[tuple] = []

    def select(self, folder):
        return "OK", [b"1"]

    def uid(self, command, *args):
        self.calls.append((command, *args))
        if command == "SEARCH":
            return "OK", [b" ".join(self.messages)]
        if command == "FETCH":
            return "OK", [(b"1 (BODY[] {1}", self.messages[args[0]]), b")"]
        return "OK", [b""]

    def expunge(self):
        self.calls.append(("EXPUNGE",))

    def logout(self):
        self.calls.append(("LOGOUT",))


def test_off_without_imap_host(settings):
    settings.IMAP_HOST = ""
    assert imap.imap_fetch(now=timezone.now(), connect=lambda: pytest.fail("connected")) == 0


def test_message_is_marked_seen_only_after_its_row_is_stored(settings, monkeypatch, user_a1):
    settings.IMAP_HOST, settings.IMAP_DONE_FOLDER = "imap.test", ""
    raw = f"From: {user_a1.email}\r\nSubject: one\r\n\r\nhi\r\n".encode()
    fake = FakeImap([raw, raw.replace(b"one", b"two")])

    def failing_intake(*, raw, now):
        raise RuntimeError("database went away")

    monkeypatch.setattr(imap, "intake_message", failing_intake)
    with pytest.raises(RuntimeError):
        imap.imap_fetch(now=timezone.now(), connect=lambda: fake)
    assert not [c for c in fake.calls if c[0] == "STORE"]
    assert fake.calls[-1] == ("LOGOUT",)

    monkeypatch.undo()
    fake.calls.clear()
    assert imap.imap_fetch(now=timezone.now(), connect=lambda: fake) == 2
    commands = [c[0] for c in fake.calls]
    assert commands == ["SEARCH", "FETCH", "STORE", "FETCH", "STORE", "LOGOUT"]
    assert InboundEmail.objects.count() == 2


def test_beat_polls_imap_only_when_configured():
    from itsm.celery import imap_beat_entries

    assert imap_beat_entries({}) == {}
    assert imap_beat_entries({"IMAP_HOST": ""}) == {}
    entry = imap_beat_entries({"IMAP_HOST": "imap.example.cn"})["intake-imap-fetch"]
    assert entry["task"] == "intake.tasks.intake_imap_fetch"
