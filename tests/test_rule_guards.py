"""Rules a review broke by hand without any test failing; each test here fails if its rule goes.

- A closed (or cancelled) ticket is final: nobody reopens or moves it.
- A requester moves their own ticket only three ways: withdraw a new one, confirm or reopen a
  resolved one. Every other (from, to) pair is refused.
- A "text" attachment must contain text: a .txt name does not make binary content acceptable.
- The reference counter is atomic: its PostgreSQL test is not skipped in CI.
"""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from itsm.exceptions import ApplicationError
from tests import servers
from tickets import services
from tickets.attachments import sniff
from tickets.models import Attachment, Status, Ticket

from .factories import make_ticket

pytestmark = pytest.mark.django_db

REQUESTER_MAY = {
    (Status.NEW, Status.CANCELLED),
    (Status.RESOLVED, Status.CLOSED),
    (Status.RESOLVED, Status.REOPENED),
}


def in_status(ticket: Ticket, status: str) -> Ticket:
    """Put a ticket straight into `status` (set-up only), recently resolved where that applies."""
    now = timezone.now()
    Ticket.objects.filter(pk=ticket.pk).update(status=status, resolved_at=now, closed_at=now)
    ticket.refresh_from_db()
    return ticket


def refused(actor, ticket, target) -> bool:
    try:
        services.ticket_change_status(actor=actor, ticket=ticket, status=target)
    except (ApplicationError, PermissionDenied):
        return Ticket.objects.get(pk=ticket.pk).status == ticket.status
    return False


@pytest.mark.parametrize("final", [Status.CLOSED, Status.CANCELLED])
def test_final_tickets_stay_final_for_everyone(user_a1, agent_a, admin_user, final):
    for actor in (user_a1, agent_a, admin_user):
        for target in Status.values:
            if target == final:
                continue
            ticket = in_status(make_ticket(requester=user_a1), final)
            assert refused(actor, ticket, target), f"{actor} moved a {final} ticket to {target}"


def test_requester_moves_are_exactly_the_three(user_a1):
    for current in Status.values:
        for target in Status.values:
            if current == target:
                continue
            ticket = in_status(make_ticket(requester=user_a1), current)
            expected_refused = (current, target) not in REQUESTER_MAY
            assert refused(user_a1, ticket, target) == expected_refused, (current, target)


def test_requester_cancels_only_a_new_ticket(user_a1):
    for current in set(Status.values) - {Status.NEW, Status.CANCELLED}:
        ticket = in_status(make_ticket(requester=user_a1), current)
        assert refused(user_a1, ticket, Status.CANCELLED), current
    ticket = make_ticket(requester=user_a1)
    assert not refused(user_a1, ticket, Status.CANCELLED)


@pytest.mark.parametrize(
    "content",
    [
        b"\x00\x01\x02binary with a text name",
        b"plain start then a NUL\x00 in the middle",
        b"\xff\xfe\xfd not UTF-8 at all, " * 20,
        "GBK 中文".encode("gbk") + b" more text after it",
    ],
    ids=["leading-bytes", "nul", "invalid-utf8", "gbk"],
)
def test_text_attachment_must_contain_text(user_a1, ticket_a1, content):
    with pytest.raises(ApplicationError, match="not an allowed type"):
        sniff(content, "notes.txt")
    upload = SimpleUploadedFile("notes.txt", content)
    with pytest.raises(ApplicationError):
        services.attachment_add(actor=user_a1, ticket=ticket_a1, upload=upload)
    assert not Attachment.objects.exists()


def test_real_text_is_accepted_even_when_the_sample_cuts_a_character():
    text = ("日志 " * 5000).encode()
    assert sniff(text[:8191], "server.log") == "text/plain"  # sample ends mid-character
    assert sniff(b"user=alice\nstatus=ok\n", "app.conf") == "text/plain"


def test_server_tests_fail_instead_of_skipping_in_ci(monkeypatch):
    monkeypatch.setattr(servers, "IN_CI", True)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    with pytest.raises(pytest.fail.Exception, match="CI must provide"):
        servers.require_postgres()


def test_ci_runs_on_postgresql_and_redis():
    from pathlib import Path

    script = (Path(__file__).resolve().parent.parent / ".ci/run").read_text()
    assert "export CI=true" in script
    assert "export DATABASE_URL=postgres://" in script and "export REDIS_URL=redis://" in script


def test_illegal_move_names_both_states_and_what_is_allowed(agent_a, ticket_a1):
    """People read the message; API clients read `allowed` to offer the legal next steps."""
    waiting = in_status(ticket_a1, Status.WAITING)
    with pytest.raises(ApplicationError) as refusal:
        services.ticket_change_status(actor=agent_a, ticket=waiting, status=Status.ASSIGNED)
    assert refusal.value.message == "A ticket that is “Waiting on user” cannot become “Assigned”."
    assert refusal.value.extra == {
        "code": "illegal_transition",
        "allowed": [Status.CANCELLED, Status.IN_PROGRESS, Status.RESOLVED],
    }


def test_requester_is_told_who_may_make_the_move(user_a1, ticket_a1):
    with pytest.raises(PermissionDenied) as refusal:
        services.ticket_change_status(actor=user_a1, ticket=ticket_a1, status=Status.RESOLVED)
    assert str(refusal.value) == "Only the service desk can set a ticket to “Resolved”."
