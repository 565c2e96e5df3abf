"""Escalation emails: stored in bulk by the sweep, rendered by the sender in the recipient's
language; the sweep's query count does not grow with the due clocks."""

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from clients.models import User
from itsm import outbox
from itsm.models import OutboundEmail
from itsm.tenancy import Role
from sla.clocks import local_label
from sla.escalation import trigger_label
from sla.models import EscalationRule, HeldNotification, RuleFiring, SlaClock
from sla.services import sla_sweep
from tests import factories as f
from tests.factories import make_ticket
from tickets import services as ts

from .conftest import FOR_PRIORITY, cst

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _only_escalation_emails(monkeypatch):
    """These tests count the escalation rules' emails; the notification centre's own emails
    (SLA warnings to the assignee) are tested in tests/notifications."""
    from notifications.models import NotificationPreference

    monkeypatch.setattr(NotificationPreference, "wants_email", lambda *args: False)


def two_lead_rules() -> None:
    for kind in ("response", "resolution"):
        EscalationRule.objects.create(
            name=f"lead {kind}", clock_kind=kind, trigger="breach", action="notify_team_lead"
        )


def assignee_and_lead_rules() -> None:
    """The response breach mails the assignee, the resolution breach the team lead."""
    EscalationRule.objects.create(
        name="assignee", clock_kind="response", trigger="breach", action="notify_assignee"
    )
    EscalationRule.objects.create(
        name="lead", clock_kind="resolution", trigger="breach", action="notify_team_lead"
    )


def team_tickets(count, *, user_a1, agent_a, client_a, language="en", assigned=False):
    """`count` P1 tickets at Monday 09:00, with a team whose lead is notified (and assigned to
    agent_a when `assigned`)."""
    lead = f.make_user(role=Role.AGENT, username=f"lead{count}", language=language)
    team = f.make_team(members=[lead, agent_a], clients=[client_a], lead=lead)
    agent = {"agent": agent_a} if assigned else {}
    tickets = []
    for _n in range(count):
        ticket = make_ticket(requester=user_a1, now=cst(3, 2, 9), **FOR_PRIORITY[1])
        tickets.append(
            ts.ticket_assign(actor=agent_a, ticket=ticket, team=team, now=cst(3, 2, 9), **agent)
        )
    OutboundEmail.objects.all().delete()
    return lead, tickets


def sweep_queries(count, assigned=False, **people) -> int:
    team_tickets(count, assigned=assigned, **people)
    with CaptureQueriesContext(connection) as queries:
        # Both clocks of every ticket breached by 16:00: two firings, two emails each.
        sla_sweep(now=cst(3, 2, 16))
    assert RuleFiring.objects.count() == 2 * count
    assert OutboundEmail.objects.count() == 2 * count
    return len(queries)


def test_sweep_with_two_rules_costs_the_same_queries_for_5_and_50_due_tickets(
    user_a1, agent_a, client_a, monkeypatch
):
    if connection.vendor == "sqlite":
        # Django splits SQLite bulk inserts at 999 parameters (~100 events); PostgreSQL does not.
        monkeypatch.setattr(connection.ops, "bulk_batch_size", lambda fields, objs: len(objs))
    two_lead_rules()
    people = {"user_a1": user_a1, "agent_a": agent_a, "client_a": client_a}
    few = sweep_queries(5, **people)
    RuleFiring.objects.all().delete()
    many = sweep_queries(50, **people)
    assert few == many


def test_sweep_mailing_assignees_and_leads_costs_the_same_queries_for_5_and_50_due_tickets(
    user_a1, agent_a, client_a, monkeypatch
):
    """Each assignee and team lead is read once per batch, not per ticket."""
    if connection.vendor == "sqlite":
        monkeypatch.setattr(connection.ops, "bulk_batch_size", lambda fields, objs: len(objs))
    assignee_and_lead_rules()
    people = {"user_a1": user_a1, "agent_a": agent_a, "client_a": client_a}
    few = sweep_queries(5, assigned=True, **people)
    RuleFiring.objects.all().delete()
    many = sweep_queries(50, assigned=True, **people)
    assert few == many
    assert {email.to for email in OutboundEmail.objects.all()} == {
        agent_a.email,
        User.objects.get(username="lead50").email,
    }


def previous_rendering(firing: RuleFiring, person) -> tuple[str, str]:
    """What the sweep rendered before rendering moved to the sender (the code it ran)."""
    ticket, clock = firing.clock.ticket, firing.clock
    with translation.override(person.language):
        text = render_to_string(
            "sla/email/escalation.txt",
            {
                "ticket": ticket,
                "person": person,
                "trigger": trigger_label(firing),
                "rule": firing.rule,
                "clock": clock,
                "due": local_label(clock.due_at, clock.calendar.spec()),
                "link": settings.SITE_URL + reverse("tickets:ticket-workspace", args=[ticket.pk]),
            },
        )
    subject, _newline, body = text.strip().partition("\n")
    return subject.strip(), body.strip()


def test_email_is_rendered_at_send_time_in_the_recipients_language(
    user_a1, agent_a, client_a, django_capture_on_commit_callbacks
):
    two_lead_rules()
    lead, [ticket] = team_tickets(
        1, user_a1=user_a1, agent_a=agent_a, client_a=client_a, language="zh-hans"
    )
    with translation.override("en"), django_capture_on_commit_callbacks(execute=False):
        sla_sweep(now=cst(3, 2, 9, 31))
    stored = OutboundEmail.objects.get()
    assert (stored.subject, stored.body, stored.language) == ("", "", "zh-hans")
    with translation.override("en"):  # the worker's own language does not matter
        assert outbox.outbound_email_send(email_id=stored.pk)
    [sent] = mail.outbox
    firing = RuleFiring.objects.select_related("clock__ticket", "rule").get()
    assert (sent.subject, sent.body) == previous_rendering(firing, lead)
    assert sent.subject == f"[{ticket.reference}] 响应 SLA 超时：{ticket.subject}"
    stored.refresh_from_db()  # kept, so a retry sends the very same text
    assert (stored.subject, stored.body) == (sent.subject, sent.body)


def test_rerun_fires_and_sends_once(user_a1, agent_a, client_a, django_capture_on_commit_callbacks):
    two_lead_rules()
    lead, tickets = team_tickets(3, user_a1=user_a1, agent_a=agent_a, client_a=client_a)
    with django_capture_on_commit_callbacks(execute=True):
        sla_sweep(now=cst(3, 2, 16))
        sla_sweep(now=cst(3, 2, 16))
        # As a sweep that read the clocks before the first one committed would see them.
        SlaClock.objects.update(next_check_at=cst(3, 2, 9))
        sla_sweep(now=cst(3, 2, 17))
    assert outbox.outbox_drain() == 0
    assert RuleFiring.objects.count() == OutboundEmail.objects.count() == 6
    assert len(mail.outbox) == 6 and {m.to[0] for m in mail.outbox} == {lead.email}
    assert len({m.extra_headers["Message-ID"] for m in mail.outbox}) == 6


def test_sweep_holding_manager_and_lead_mails_costs_the_same_queries_for_5_and_50_due_tickets(
    user_a1, agent_a, client_a, manager_a, monkeypatch
):
    """Held for working hours: the held rows are stored in one INSERT and the client's managers
    read once, however many tickets breached overnight."""
    if connection.vendor == "sqlite":
        monkeypatch.setattr(connection.ops, "bulk_batch_size", lambda fields, objs: len(objs))
    later = EscalationRule.Delivery.NEXT_WORKING_HOUR
    EscalationRule.objects.create(
        name="managers",
        clock_kind="response",
        trigger="breach",
        action="notify_client_manager",
        deliver=later,
    )
    EscalationRule.objects.create(
        name="lead",
        clock_kind="resolution",
        trigger="breach",
        action="notify_team_lead",
        deliver=later,
    )
    people = {"user_a1": user_a1, "agent_a": agent_a, "client_a": client_a}
    counts = []
    for count in (5, 50):
        RuleFiring.objects.all().delete()
        lead, _tickets = team_tickets(count, **people)
        with CaptureQueriesContext(connection) as queries:
            sla_sweep(now=cst(3, 2, 18, 30))  # after hours: both breaches held until 09:00
        counts.append(len(queries))
        held = HeldNotification.objects.filter(sent_at__isnull=True, firing__isnull=False)
        assert sorted(held.values_list("recipient", flat=True).distinct()) == sorted(
            [manager_a.pk, lead.pk]
        )
        assert held.filter(firing__rule__name="managers").count() == count
        assert not OutboundEmail.objects.exists()
        HeldNotification.objects.all().delete()
    assert counts[0] == counts[1]
