"""Who hears of what: each rule, the people it must leave out, and exactly once per event."""

import pytest

from itsm.models import OutboundEmail
from itsm.tenancy import Role
from notifications.models import Notification, TeamNotificationSetting
from notifications.services import preferences_save
from sla.models import EscalationRule
from sla.services import sla_sweep
from tests import factories as f
from tests.factories import make_ticket
from tests.sla.conftest import FOR_PRIORITY, cst
from tickets import services as ts
from tickets.models import Status

pytestmark = pytest.mark.django_db


def received(user) -> list[tuple[str, str]]:
    return list(
        Notification.objects.filter(recipient=user)
        .order_by("id")
        .values_list("kind", "ticket__reference")
    )


def emails_to(user) -> list[str]:
    return list(OutboundEmail.objects.filter(to=user.email).values_list("subject", flat=True))


@pytest.fixture
def colleague_a(client_a, agent_a):
    """A second agent in Team A."""
    colleague = f.make_user(role=Role.AGENT, username="colleague_a")
    agent_a.teams.get().members.add(colleague)
    return colleague


def test_a_new_p1_ticket_tells_the_serving_teams_at_once_by_email(
    user_a1, agent_a, colleague_a, agent_b, admin_user
):
    ticket = make_ticket(requester=user_a1, subject="打印机冒烟", **FOR_PRIORITY[1])
    for agent in (agent_a, colleague_a):
        assert received(agent) == [("new_ticket", ticket.reference)]
        assert emails_to(agent) == [f"[{ticket.reference}] New P1 ticket: 打印机冒烟"]
    # Team B does not serve client A; the admin is in no team; the requester is not staff.
    for person in (agent_b, admin_user, user_a1):
        assert received(person) == []
    assert emails_to(agent_b) == []


def test_a_new_ticket_reaches_each_active_staff_member_once(user_a1, agent_a, client_a):
    """Of the serving teams' members: an agent in two of them is told once; a deactivated
    agent, and a client-side person wrongly left in a team, are not told; a superuser is."""
    team = agent_a.teams.get()
    gone = f.make_user(role=Role.AGENT, username="gone_a", is_active=False)
    stray = f.make_user(role=Role.END_USER, client=client_a, username="stray_a")
    root = f.make_user(role=Role.END_USER, client=client_a, username="root_a", is_superuser=True)
    team.members.add(gone, stray, root)
    f.make_team(members=[agent_a], clients=[client_a], name="Second team of A")
    ticket = make_ticket(requester=user_a1, **FOR_PRIORITY[3])
    assert received(agent_a) == received(root) == [("new_ticket", ticket.reference)]
    assert received(gone) == received(stray) == []


def test_a_new_p3_ticket_is_in_app_only_and_a_team_may_opt_out(user_a1, agent_a, client_a):
    ticket = make_ticket(requester=user_a1, **FOR_PRIORITY[3])
    assert received(agent_a) == [("new_ticket", ticket.reference)]
    assert emails_to(agent_a) == []  # P3/P4 by email only if chosen

    TeamNotificationSetting.objects.create(
        team=agent_a.teams.get(), new_low_priority=TeamNotificationSetting.LowPriority.NEVER
    )
    make_ticket(requester=user_a1, **FOR_PRIORITY[4])
    assert len(received(agent_a)) == 1
    urgent = make_ticket(requester=user_a1, **FOR_PRIORITY[2])  # P1/P2 always
    assert received(agent_a)[-1] == ("new_ticket", urgent.reference)


def test_staff_filing_for_a_user_is_not_told_of_their_own_ticket(user_a1, agent_a, colleague_a):
    ticket = make_ticket(requester=user_a1, actor=agent_a, **FOR_PRIORITY[1])
    assert received(agent_a) == []
    assert received(colleague_a) == [("new_ticket", ticket.reference)]


def test_a_requester_reply_tells_the_assignee_only(user_a1, agent_a, colleague_a):
    ticket = make_ticket(requester=user_a1, **FOR_PRIORITY[3])
    ticket = ts.ticket_claim(actor=agent_a, ticket=ticket)
    Notification.objects.all().delete()
    ts.ticket_reply(actor=user_a1, ticket=ticket, body="还是不行")
    assert received(agent_a) == [("reply", ticket.reference)]
    assert received(colleague_a) == []
    # The agent's own reply and internal notes tell nobody on the provider side.
    ts.ticket_reply(actor=agent_a, ticket=ticket, body="请重启")
    ts.ticket_reply(actor=agent_a, ticket=ticket, body="内部", internal=True)
    # A colleague's public reply is no requester reply either.
    ts.ticket_reply(actor=colleague_a, ticket=ticket, body="我来看看")
    assert Notification.objects.count() == 1
    assert emails_to(agent_a) == []  # replies are in-app unless chosen


def test_a_reply_on_an_unassigned_ticket_tells_its_team(user_a1, agent_a, colleague_a, agent_b):
    ticket = make_ticket(requester=user_a1, **FOR_PRIORITY[3])
    Notification.objects.all().delete()
    ts.ticket_reply(actor=user_a1, ticket=ticket, body="补充一下")
    assert received(agent_a) == received(colleague_a) == [("reply", ticket.reference)]
    assert received(agent_b) == []


def test_a_reopen_tells_the_assignee(user_a1, agent_a, colleague_a):
    ticket = make_ticket(requester=user_a1, **FOR_PRIORITY[3])
    ticket = ts.ticket_claim(actor=agent_a, ticket=ticket)
    ticket = ts.ticket_change_status(actor=agent_a, ticket=ticket, status=Status.RESOLVED)
    Notification.objects.all().delete()
    ts.ticket_change_status(actor=user_a1, ticket=ticket, status=Status.REOPENED)
    assert received(agent_a) == [("reopened", ticket.reference)]
    assert received(colleague_a) == []


def test_an_assignment_tells_the_new_assignee_but_not_who_took_it(
    user_a1, agent_a, colleague_a, admin_user
):
    ticket = make_ticket(requester=user_a1, **FOR_PRIORITY[3])
    Notification.objects.all().delete()
    ticket = ts.ticket_claim(actor=agent_a, ticket=ticket)
    assert received(agent_a) == []  # took it themselves
    ticket = ts.ticket_assign(
        actor=admin_user, ticket=ticket, agent=colleague_a, expected_version=ticket.version
    )
    assert received(colleague_a) == [("assigned", ticket.reference)]
    # A team change that keeps the assignee is no new assignment.
    other = f.make_team(members=[], clients=[ticket.client], name="Other")
    ts.ticket_assign(actor=admin_user, ticket=ticket, team=other)
    assert received(colleague_a) == [("assigned", ticket.reference)]
    assert received(agent_a) == []


def test_a_ticket_about_to_breach_tells_its_assignee_once(user_a1, agent_a, colleague_a):
    # A percent rule makes the sweep look at the clock at 50 % (09:15), before its warning.
    EscalationRule.objects.create(
        name="half", clock_kind="response", trigger="percent", percent=50, action="notify_assignee"
    )
    ticket = make_ticket(requester=user_a1, now=cst(3, 2, 9), **FOR_PRIORITY[1])
    ts.ticket_claim(actor=agent_a, ticket=ticket, now=cst(3, 2, 9, 1))
    Notification.objects.all().delete()
    OutboundEmail.objects.all().delete()
    sla_sweep(now=cst(3, 2, 9, 16))
    sla_sweep(now=cst(3, 2, 9, 20))
    assert received(agent_a) == []
    sla_sweep(now=cst(3, 2, 9, 25))  # the response clock's warning
    sla_sweep(now=cst(3, 2, 9, 26))
    assert received(agent_a) == [("sla_warning", ticket.reference)]
    assert received(colleague_a) == []
    warnings = [subject for subject in emails_to(agent_a) if "About to breach" in subject]
    assert warnings == [f"[{ticket.reference}] About to breach its SLA: {ticket.subject}"]


def test_email_follows_the_preference_and_the_recipients_language(user_a1, agent_a):
    ticket = make_ticket(requester=user_a1, subject="网络断了", **FOR_PRIORITY[3])
    ticket = ts.ticket_claim(actor=agent_a, ticket=ticket)
    preferences_save(actor=agent_a, email_reply=True, email_sla_warning=False)
    agent_a.language = "zh-hans"
    agent_a.save(update_fields=["language"])
    ts.ticket_reply(actor=user_a1, ticket=ticket, body="还是不行")
    assert emails_to(agent_a) == [f"[{ticket.reference}] 申请人回复了：网络断了"]
    agent_a.language = "en"
    agent_a.save(update_fields=["language"])
    ts.ticket_reply(actor=user_a1, ticket=ticket, body="still broken")
    assert emails_to(agent_a)[-1] == f"[{ticket.reference}] The requester replied: 网络断了"
    email = OutboundEmail.objects.filter(to=agent_a.email).last()
    assert f"/queue/tickets/{ticket.pk}/" in email.body


def test_urgent_new_ticket_email_can_be_switched_off(user_a1, agent_a):
    preferences_save(actor=agent_a, email_new_urgent=False)
    make_ticket(requester=user_a1, **FOR_PRIORITY[1])
    assert len(received(agent_a)) == 1 and emails_to(agent_a) == []


def test_a_rolled_back_ticket_leaves_no_notification(user_a1, agent_a):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        make_ticket(requester=user_a1, **FOR_PRIORITY[1])
        raise RuntimeError("boom")
    assert received(agent_a) == [] and emails_to(agent_a) == []


def test_the_same_event_is_stored_once(user_a1, agent_a):
    from notifications.services import notify_new_ticket

    ticket = make_ticket(requester=user_a1, **FOR_PRIORITY[1])
    assert notify_new_ticket(actor=user_a1, ticket=ticket, now=ticket.created_at) == []
    assert received(agent_a) == [("new_ticket", ticket.reference)]
    assert len(emails_to(agent_a)) == 1


@pytest.mark.parametrize("deliver", ["immediately", "next_working_hour"])
def test_a_warning_rule_for_the_assignee_owns_the_warning_email(
    user_a1, agent_a, colleague_a, deliver
):
    """One warning email, not two: the rule's (at the rule's delivery time); still in the app."""
    EscalationRule.objects.create(
        name="warn the assignee",
        clock_kind="response",
        trigger="warning",
        action="notify_assignee",
        deliver=deliver,
    )
    ticket = make_ticket(requester=user_a1, now=cst(3, 2, 9), **FOR_PRIORITY[1])
    ts.ticket_claim(actor=agent_a, ticket=ticket, now=cst(3, 2, 9, 1))
    OutboundEmail.objects.all().delete()
    sla_sweep(now=cst(3, 2, 9, 25))  # the response clock's warning, in working hours
    sla_sweep(now=cst(3, 2, 9, 26))
    assert received(agent_a)[-1] == ("sla_warning", ticket.reference)
    mails = OutboundEmail.objects.filter(to=agent_a.email)
    assert [m.template for m in mails] == ["sla/email/escalation.txt"]
    assert not any("About to breach" in m.subject for m in mails)
