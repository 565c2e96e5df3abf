"""Escalation rules fire once per clock and each action does its job."""

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from itsm.models import OutboundEmail
from itsm.outbox import outbox_drain
from itsm.tenancy import Role
from sla.models import EscalationRule, HeldNotification, RuleFiring
from sla.services import sla_sweep
from tests import factories as f
from tests.factories import make_ticket
from tickets import services as ts
from tickets.models import Ticket, TicketEvent
from tickets.signals import ticket_changed

from .conftest import FOR_PRIORITY, clocks_of, cst, make_tier

pytestmark = pytest.mark.django_db

Trigger, Action = EscalationRule.Trigger, EscalationRule.Action


@pytest.fixture(autouse=True)
def _only_escalation_emails(monkeypatch):
    """These tests count the escalation rules' emails; the notification centre's own emails
    (new P1 tickets, SLA warnings to the assignee) are tested in tests/notifications."""
    from notifications.models import NotificationPreference

    monkeypatch.setattr(NotificationPreference, "wants_email", lambda *args: False)


def rule(action, trigger=Trigger.BREACH, kind="response", **fields) -> EscalationRule:
    made = EscalationRule(
        name=f"{trigger} → {action}", clock_kind=kind, trigger=trigger, action=action, **fields
    )
    made.full_clean()
    made.save()
    return made


@pytest.fixture
def p1_assigned(user_a1, agent_a):
    """P1 at Monday 09:00: response due 09:30, resolution due 14:00; assigned to agent_a."""
    ticket = make_ticket(requester=user_a1, now=cst(3, 2, 9), **FOR_PRIORITY[1])
    ticket = ts.ticket_claim(actor=agent_a, ticket=ticket, now=cst(3, 2, 9, 1))
    OutboundEmail.objects.all().delete()  # the ticket's own emails; only escalations count here
    return ticket


def escalation_events(ticket):
    """The rule entries in words (stored as facts, worded in the active language)."""
    entries = ticket.events.filter(kind=TicketEvent.Kind.SLA, data__fact="sla.escalation")
    return [event.text for event in entries.order_by("id")]


def test_notify_assignee_fires_once_and_the_email_goes_out(
    p1_assigned, agent_a, django_capture_on_commit_callbacks
):
    agent_a.language = "en"
    agent_a.save(update_fields=["language"])
    rule(Action.NOTIFY_ASSIGNEE)
    with django_capture_on_commit_callbacks(execute=True):
        sla_sweep(now=cst(3, 2, 9, 31))
        sla_sweep(now=cst(3, 2, 9, 40))
    assert RuleFiring.objects.get().trigger_at == cst(3, 2, 9, 30)
    assert [m.to for m in mail.outbox] == [[agent_a.email]]
    assert (
        mail.outbox[0].subject
        == f"[{p1_assigned.reference}] Response SLA breached: {p1_assigned.subject}"
    )
    assert f"/queue/tickets/{p1_assigned.pk}/" in mail.outbox[0].body
    assert OutboundEmail.objects.get().sent_at is not None
    assert escalation_events(p1_assigned) == [
        "Escalation rule “breach → notify_assignee” (Response SLA breached): notified agent_a."
    ]


def test_notify_team_lead_and_address(user_a1, agent_a, client_a):
    lead = f.make_user(role=Role.AGENT, username="lead_a", language="en")
    team = f.make_team(members=[lead], clients=[client_a], lead=lead, name="Escalations")
    ticket = make_ticket(requester=user_a1, now=cst(3, 2, 9), **FOR_PRIORITY[1])
    ts.ticket_assign(actor=agent_a, ticket=ticket, team=team, now=cst(3, 2, 9, 1))
    OutboundEmail.objects.all().delete()
    rule(Action.NOTIFY_TEAM_LEAD)
    rule(Action.NOTIFY_ADDRESS, trigger=Trigger.WARNING, address="duty@provider.cn")
    sla_sweep(now=cst(3, 2, 9, 31))
    assert sorted(OutboundEmail.objects.values_list("to", flat=True)) == [
        "duty@provider.cn",
        lead.email,
    ]


def test_notify_client_manager_links_to_the_client_view(p1_assigned, manager_a, manager_b):
    rule(Action.NOTIFY_CLIENT_MANAGER)
    sla_sweep(now=cst(3, 2, 9, 31))
    assert outbox_drain() == 1  # rendered by its sender
    email = OutboundEmail.objects.get()
    assert email.to == manager_a.email
    assert f"/client/tickets/{p1_assigned.pk}/" in email.body


def test_notify_without_anyone_to_notify_says_so(user_a1):
    ticket = make_ticket(requester=user_a1, now=cst(3, 2, 9), **FOR_PRIORITY[1])
    OutboundEmail.objects.all().delete()
    rule(Action.NOTIFY_ASSIGNEE)
    sla_sweep(now=cst(3, 2, 9, 31))
    assert not OutboundEmail.objects.exists()
    assert escalation_events(ticket)[0].endswith("nobody to notify.")


def test_reassign_team_moves_the_ticket_with_an_event(p1_assigned, client_a):
    night = f.make_team(clients=[client_a], name="Night shift")
    rule(Action.REASSIGN_TEAM, team=night)
    version = Ticket.objects.get(pk=p1_assigned.pk).version
    sla_sweep(now=cst(3, 2, 9, 31))
    ticket = Ticket.objects.get(pk=p1_assigned.pk)
    assert (ticket.team, ticket.version) == (night, version + 1)
    moved = ticket.events.get(kind=TicketEvent.Kind.ASSIGNED, new_value="Night shift")
    assert moved.actor is None and "escalation rule" in moved.body


def test_reassign_to_a_team_not_serving_the_client_is_refused(p1_assigned, client_b):
    other = f.make_team(clients=[client_b], name="Other client")
    rule(Action.REASSIGN_TEAM, team=other)
    team_before = Ticket.objects.get(pk=p1_assigned.pk).team_id
    sla_sweep(now=cst(3, 2, 9, 31))
    assert Ticket.objects.get(pk=p1_assigned.pk).team_id == team_before
    assert "does not serve this client" in escalation_events(p1_assigned)[0]


def test_raise_priority_retargets_and_fires_once(user_a1):
    ticket = make_ticket(requester=user_a1, now=cst(3, 2, 9), **FOR_PRIORITY[3])
    # P3 resolution 1440, warning at 75% = 1080 minutes: Wednesday 11:00.
    rule(Action.RAISE_PRIORITY, trigger=Trigger.WARNING, kind="resolution")
    version = Ticket.objects.get(pk=ticket.pk).version
    sla_sweep(now=cst(3, 4, 11, 1))
    ticket.refresh_from_db()
    assert ticket.priority == 2
    resolution = clocks_of(ticket)["resolution"]
    assert (resolution.target_minutes, resolution.due_at) == (480, cst(3, 2, 18))
    assert resolution.history[-1]["reason"] == {"code": "priority", "old": 3, "new": 2}
    raised = ticket.events.get(kind=TicketEvent.Kind.PRIORITY)
    assert (raised.actor, raised.old_value, raised.new_value) == (None, "P3", "P2")
    assert raised.body.startswith("by escalation rule")
    assert ticket.version == version + 1  # through tickets.services, which bumps it
    sla_sweep(
        now=cst(3, 4, 11, 2)
    )  # the re-targeted clock is now overdue: flagged, not raised again
    ticket.refresh_from_db()
    assert ticket.priority == 2
    # Due at Monday 18:00, but no business time passed until Tuesday 09:00.
    assert clocks_of(ticket)["resolution"].breached_at == cst(3, 3, 9)


def test_percent_trigger_fires_at_its_own_instant_once(p1_assigned):
    rule(Action.NOTIFY_ASSIGNEE, trigger=Trigger.PERCENT, kind="resolution", percent=150)
    # Resolution 240 minutes: 150% = 360 minutes after Monday 09:00 is 16:00.
    sla_sweep(now=cst(3, 2, 15, 59))
    assert not RuleFiring.objects.exists()
    assert clocks_of(p1_assigned)["resolution"].next_check_at == cst(3, 2, 16)
    sla_sweep(now=cst(3, 2, 16))
    sla_sweep(now=cst(3, 2, 17))
    assert RuleFiring.objects.get().trigger_at == cst(3, 2, 16)
    assert OutboundEmail.objects.count() == 1
    assert clocks_of(p1_assigned)["resolution"].next_check_at is None


def test_next_working_hour_delivery_holds_until_the_calendar_opens(user_a1, agent_a):
    ticket = make_ticket(requester=user_a1, now=cst(3, 2, 17), **FOR_PRIORITY[1])  # due 17:30
    ts.ticket_claim(actor=agent_a, ticket=ticket, now=cst(3, 2, 17, 1))
    OutboundEmail.objects.all().delete()
    rule(Action.NOTIFY_ASSIGNEE, deliver=EscalationRule.Delivery.NEXT_WORKING_HOUR)
    sla_sweep(now=cst(3, 2, 18, 30))
    held = HeldNotification.objects.get()
    assert (held.recipient, held.send_after) == (agent_a, cst(3, 3, 9))
    assert not OutboundEmail.objects.exists()
    sla_sweep(now=cst(3, 3, 8, 59))
    assert not OutboundEmail.objects.exists()
    sla_sweep(now=cst(3, 3, 9))
    sla_sweep(now=cst(3, 3, 9, 5))
    assert OutboundEmail.objects.get().to == agent_a.email
    assert HeldNotification.objects.get().sent_at == cst(3, 3, 9)


def test_next_working_hour_delivery_sends_at_once_inside_working_hours(p1_assigned):
    rule(Action.NOTIFY_ASSIGNEE, deliver=EscalationRule.Delivery.NEXT_WORKING_HOUR)
    sla_sweep(now=cst(3, 2, 9, 31))
    assert OutboundEmail.objects.count() == 1 and not HeldNotification.objects.exists()


def test_rules_only_fire_for_their_tier_priority_and_clock(p1_assigned):
    rule(Action.NOTIFY_ASSIGNEE, tier=make_tier("Gold"))
    rule(Action.NOTIFY_ASSIGNEE, priority=2)
    rule(Action.NOTIFY_ASSIGNEE, kind="resolution")
    rule(Action.NOTIFY_ASSIGNEE, is_active=False)
    sla_sweep(now=cst(3, 2, 9, 31))
    assert not RuleFiring.objects.exists()


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"trigger": Trigger.PERCENT}, "percent", "needs a percent"),
        ({"percent": 50}, "percent", "Only a percent trigger"),
        ({"action": Action.NOTIFY_ADDRESS}, "address", "Give the email address"),
        ({"action": Action.REASSIGN_TEAM}, "team", "Choose the team"),
        (
            {"action": Action.RAISE_PRIORITY, "deliver": "next_working_hour"},
            "deliver",
            "Only notifications",
        ),
    ],
)
def test_rule_validation_messages(fields, field, message):
    values = {
        "name": "r",
        "clock_kind": "response",
        "trigger": Trigger.BREACH,
        "action": Action.NOTIFY_ASSIGNEE,
        **fields,
    }
    with pytest.raises(ValidationError) as caught:
        EscalationRule(**values).full_clean()
    assert message in caught.value.message_dict[field][0]


def test_breach_is_flagged_once_when_percent_rules_bring_the_clock_back(p1_assigned):
    """Percent rules keep a breached clock in the sweep (150% fires after the breach): each
    sweep must leave the breach alone, so one public breach event and one breach firing."""
    rule(Action.NOTIFY_ADDRESS, trigger=Trigger.PERCENT, percent=50, address="half@provider.cn")
    rule(Action.NOTIFY_ADDRESS, trigger=Trigger.PERCENT, percent=150, address="late@provider.cn")
    rule(Action.NOTIFY_ADDRESS, address="breach@provider.cn")
    for minute in (20, 31, 40, 46, 50):  # 50% at 09:15, breach after 09:30, 150% at 09:45
        sla_sweep(now=cst(3, 2, 9, minute))
    breaches = p1_assigned.events.filter(kind=TicketEvent.Kind.SLA, is_internal=False)
    assert [event.text for event in breaches] == [
        "Response SLA breached at 2026-03-02 09:30 CST (target 30 business minutes)."
    ]
    assert sorted(RuleFiring.objects.values_list("rule__address", "trigger_at")) == [
        ("breach@provider.cn", cst(3, 2, 9, 30)),
        ("half@provider.cn", cst(3, 2, 9, 15)),
        ("late@provider.cn", cst(3, 2, 9, 45)),
    ]
    assert clocks_of(p1_assigned)["response"].next_check_at is None


def test_escalation_changes_go_through_ticket_services_and_their_signal(user_a1, client_a):
    """Listeners of ticket changes (the SLA engine, and any other) hear rule-made changes too."""
    ticket = make_ticket(requester=user_a1, now=cst(3, 2, 9), **FOR_PRIORITY[2])
    night = f.make_team(clients=[client_a], name="Night shift")
    rule(Action.REASSIGN_TEAM, team=night)
    rule(Action.RAISE_PRIORITY, kind="resolution", trigger=Trigger.WARNING)
    heard = []

    def listener(sender, *, ticket, actor, change, now, **kwargs):
        heard.append((ticket.pk, actor, change))

    ticket_changed.connect(listener, dispatch_uid="test-listener")
    try:
        sla_sweep(now=cst(3, 2, 16, 1))  # response breached at 10:00, resolution warned at 16:00
    finally:
        ticket_changed.disconnect(dispatch_uid="test-listener")
    assert sorted(heard, key=str) == sorted(
        [(ticket.pk, None, "assigned"), (ticket.pk, None, "priority")], key=str
    )
    ticket.refresh_from_db()
    assert (ticket.team, ticket.priority) == (night, 1)


def test_the_rule_entry_is_worded_in_each_viewers_language(p1_assigned, agent_a):
    """Stored as facts, so an English agent and a Chinese client manager each read their own."""
    from django.utils import translation

    rule(Action.NOTIFY_ASSIGNEE)
    sla_sweep(now=cst(3, 2, 9, 31))
    entry = p1_assigned.events.get(data__fact="sla.escalation")
    assert entry.body == ""
    assert entry.data["outcome"] == {"code": "notified", "names": "agent_a"}
    with translation.override("en"):
        assert "(Response SLA breached): notified agent_a." in entry.text
    with translation.override("zh-hans"):
        assert "已通知 agent_a" in entry.text
