"""Emails go out after commit, in the recipient's language, and survive a broker outage."""

import pytest
from django.core import mail

from itsm import outbox
from itsm.models import OutboundEmail
from tests.factories import make_ticket
from tickets import services
from tickets.models import Status, Ticket

pytestmark = pytest.mark.django_db


def test_creation_mail_is_enqueued_only_after_commit(user_a1, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        ticket = make_ticket(requester=user_a1)
        assert mail.outbox == []  # nothing sent inside the transaction
    assert len(callbacks) == 1
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 1 and ticket.reference in mail.outbox[0].subject


def test_rolled_back_ticket_sends_nothing(user_a1, django_capture_on_commit_callbacks):
    from django.db import transaction

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        make_ticket(requester=user_a1)
        raise RuntimeError("boom")
    assert mail.outbox == [] and not Ticket.objects.exists()


def test_each_event_reaches_the_right_person_in_their_language(
    user_a1, agent_a, django_capture_on_commit_callbacks
):
    user_a1.language = "en"
    user_a1.save()
    with django_capture_on_commit_callbacks(execute=True):
        ticket = make_ticket(requester=user_a1, subject="Printer")
        services.ticket_assign(actor=agent_a, ticket=ticket, agent=agent_a)
        services.ticket_reply(actor=agent_a, ticket=ticket, body="Try turning it off and on.")
        services.ticket_reply(actor=user_a1, ticket=ticket, body="Still broken")
        services.ticket_change_status(actor=agent_a, ticket=ticket, status=Status.RESOLVED)
    sent = [(m.to[0], m.subject) for m in mail.outbox]
    assert sent[0] == (
        "user_a1@example.cn",
        f"[{ticket.reference}] We received your request: Printer",
    )
    assert ("user_a1@example.cn", f"[{ticket.reference}] New reply: Printer") in sent
    # The provider side hears of the requester's reply in-app (email only if chosen).
    assert ("agent_a@example.cn", f"[{ticket.reference}] New reply: Printer") not in sent
    assert agent_a.notifications.filter(kind="reply", ticket=ticket).count() == 1
    resolved = mail.outbox[-1]
    assert "Resolved" in resolved.subject and f"/portal/tickets/{ticket.pk}/#rate" in resolved.body


def test_assignment_mails_the_agent_in_chinese(
    agent_a, admin_user, ticket_a1, django_capture_on_commit_callbacks
):
    from notifications.services import preferences_save

    agent_a.language = "zh-hans"
    agent_a.save()
    preferences_save(actor=agent_a, email_assigned=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.ticket_assign(actor=admin_user, ticket=ticket_a1, agent=agent_a)
    assert [m.to[0] for m in mail.outbox] == ["agent_a@example.cn"]
    assert mail.outbox[0].subject == f"[{ticket_a1.reference}] 分配给您：{ticket_a1.subject}"


def test_unreachable_broker_keeps_ticket_and_mail_is_sent_later(
    monkeypatch, user_a1, login, django_capture_on_commit_callbacks
):
    from itsm import tasks

    def broker_down(*args, **kwargs):
        raise ConnectionRefusedError("redis://127.0.0.1:6379 refused")

    monkeypatch.setattr(tasks.outbound_email_send, "delay", broker_down)
    monkeypatch.setattr(tasks.outbound_emails_send, "delay", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        response = login(user_a1).post(
            "/portal/tickets/new/",
            {
                "subject": "断网",
                "description": "整层断网",
                "impact": 2,
                "urgency": 1,
            },
        )
    assert response.status_code == 302  # the user sees success
    assert Ticket.objects.filter(subject="断网").exists()
    assert mail.outbox == []
    assert OutboundEmail.objects.filter(sent_at__isnull=True).count() == 1
    assert outbox.outbox_drain() == 1  # the periodic drain catches up
    assert len(mail.outbox) == 1
    assert outbox.outbox_drain() == 0
