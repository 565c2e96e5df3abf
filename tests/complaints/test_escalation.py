"""Deadlines in business time per severity and client; levelled escalation, each level once."""

from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.utils import timezone

from itsm.models import OutboundEmail
from reports.complaints import services
from reports.complaints.escalation import complaints_sweep
from reports.complaints.models import ComplaintEvent, ComplaintSettings, EscalationFiring
from sla import sweep_hooks
from sla.models import BusinessCalendar

from .conftest import MONDAY_9, SHANGHAI, cst, open_complaint

pytestmark = pytest.mark.django_db


def escalation_events(complaint):
    return list(
        ComplaintEvent.objects.filter(complaint=complaint, kind="escalation").values_list(
            "body", flat=True
        )
    )


def outbox_to(address):
    return OutboundEmail.objects.filter(to=address)


@pytest.mark.parametrize(
    ("severity", "ack", "resolve"),
    [
        ("normal", cst(3, 2, 11), cst(3, 4, 18)),  # 2 business hours, 3 business days
        ("serious", cst(3, 2, 10), cst(3, 3, 18)),
        ("critical", cst(3, 2, 9, 30), cst(3, 2, 18)),
    ],
)
def test_default_deadlines_per_severity_on_the_business_calendar(user_a1, severity, ack, resolve):
    complaint = open_complaint(user_a1, severity=severity)
    assert (complaint.ack_due_at, complaint.resolve_due_at) == (ack, resolve)
    assert complaint.next_check_at == ack


def test_deadlines_skip_nights_weekends_holidays_and_count_make_up_days(user_a1):
    friday_17 = cst(3, 6, 17)
    complaint = open_complaint(user_a1, now=friday_17)
    assert complaint.ack_due_at == cst(3, 9, 10)  # 17-18 Friday, 09-10 Monday
    assert complaint.resolve_due_at == cst(3, 11, 17)
    # New Year 2026: Jan 1-3 off, Sunday Jan 4 a make-up working day (调休).
    eve = datetime(2025, 12, 31, 17, tzinfo=SHANGHAI)
    complaint = open_complaint(user_a1, now=eve)
    assert complaint.ack_due_at == cst(1, 4, 10)


def test_per_client_settings_and_calendar(user_a1, client_a):
    ComplaintSettings.objects.create(
        client=client_a,
        calendar=BusinessCalendar.objects.get(code="24x7"),
        normal_ack_minutes=60,
        normal_resolve_minutes=600,
    )
    complaint = open_complaint(user_a1, now=cst(3, 7, 22))  # a Saturday night
    assert complaint.ack_due_at == cst(3, 7, 23)
    assert complaint.resolve_due_at == cst(3, 8, 8)


def test_each_level_fires_once_at_its_true_instant(
    user_a1, agent_a, director, boss, client_a, ticket_a1
):
    ComplaintSettings.objects.create(
        client=client_a, account_director=director, hold_to_working_hours=False
    )
    complaint = open_complaint(user_a1, tickets=[ticket_a1])  # ack due 11:00, step 4 h
    OutboundEmail.objects.all().delete()
    assert complaints_sweep(now=cst(3, 2, 10, 59)) == 0
    assert complaints_sweep(now=cst(3, 2, 11, 5)) == 1
    assert complaints_sweep(now=cst(3, 2, 11, 6)) == 0  # a second sweep finds nothing
    assert outbox_to(agent_a.email).count() == 1
    assert not outbox_to(director.email).exists()
    # Level 2 four business hours later (11:00 + lunch = 16:00), level 3 at 11:00 next day.
    assert complaints_sweep(now=cst(3, 2, 15, 59)) == 0
    assert complaints_sweep(now=cst(3, 2, 16)) == 1
    assert outbox_to(director.email).count() == 1
    # A sweep long after (worker down overnight) fires level 3 once, dated at its true instant.
    assert complaints_sweep(now=cst(3, 5, 9)) == 1
    assert complaints_sweep(now=cst(3, 20, 9)) == 0
    firings = list(EscalationFiring.objects.filter(complaint=complaint).order_by("level"))
    assert [(x.level, x.trigger_at) for x in firings] == [
        (1, cst(3, 2, 11)),
        (2, cst(3, 2, 16)),
        (3, cst(3, 3, 11)),
    ]
    assert all(x.deadline == "acknowledge" for x in firings)
    assert outbox_to(boss.email).count() == 1
    complaint.refresh_from_db()
    assert complaint.escalation_level == 3 and complaint.next_check_at is None
    events = escalation_events(complaint)
    assert len(events) == 3 and "Level 1 (team lead)" in events[0]
    assert "agent_a" in events[0] and "director" in events[1] and "boss" in events[2]
    assert ComplaintEvent.objects.filter(kind="escalation", is_internal=False).count() == 0


def test_a_met_deadline_stops_the_climb_until_the_next_one_is_missed(user_a1, agent_a, client_a):
    ComplaintSettings.objects.create(client=client_a, hold_to_working_hours=False)
    complaint = open_complaint(user_a1)
    complaints_sweep(now=cst(3, 2, 11, 30))  # level 1: acknowledgement late
    complaint = services.complaint_acknowledge(
        actor=agent_a, complaint=complaint, now=cst(3, 2, 11, 45)
    )
    assert complaint.next_check_at == complaint.resolve_due_at == cst(3, 4, 18)
    assert complaints_sweep(now=cst(3, 4, 17, 59)) == 0
    assert complaints_sweep(now=cst(3, 4, 18, 1)) == 1
    level2 = EscalationFiring.objects.get(complaint=complaint, level=2)
    assert level2.deadline == "resolve" and level2.trigger_at == cst(3, 4, 18)


def test_resolved_complaints_are_not_escalated(user_a1, agent_a):
    complaint = open_complaint(user_a1)
    complaint = services.complaint_acknowledge(actor=agent_a, complaint=complaint, now=MONDAY_9)
    complaint = services.complaint_investigate(actor=agent_a, complaint=complaint, now=MONDAY_9)
    complaint = services.complaint_resolve(
        actor=agent_a,
        complaint=complaint,
        root_cause="r",
        corrective_action="c",
        now=MONDAY_9,
    )
    assert complaint.next_check_at is None
    assert complaints_sweep(now=cst(4, 1, 9)) == 0


def test_notifications_held_to_working_hours(user_a1, agent_a, client_a):
    ComplaintSettings.objects.create(client=client_a, hold_to_working_hours=True)
    complaint = open_complaint(user_a1, now=cst(3, 2, 17))  # ack due Tuesday 10:00
    OutboundEmail.objects.all().delete()
    assert complaints_sweep(now=cst(3, 2, 19)) == 0
    # The sweep finds it Tuesday 12:30 (lunch break): emails wait for 13:00.
    assert complaints_sweep(now=cst(3, 3, 12, 30)) == 1
    firing = EscalationFiring.objects.get(complaint=complaint, level=1)
    assert firing.trigger_at == cst(3, 3, 10) and firing.notified_at is None
    assert firing.notify_after == cst(3, 3, 13)
    assert not outbox_to(agent_a.email).exists()
    assert "will be notified at 2026-03-03 13:00" in escalation_events(complaint)[0]
    complaints_sweep(now=cst(3, 3, 12, 59))
    assert not outbox_to(agent_a.email).exists()
    complaints_sweep(now=cst(3, 3, 13, 1))
    complaints_sweep(now=cst(3, 3, 13, 2))
    assert outbox_to(agent_a.email).count() == 1
    firing.refresh_from_db()
    assert firing.notified_at == cst(3, 3, 13, 1)


def test_the_sla_beat_task_runs_the_complaint_sweep(user_a1, agent_a, monkeypatch):
    from sla import tasks

    complaint = open_complaint(user_a1, now=timezone.now() - timedelta(days=30))
    tasks.sla_sweep.apply()
    complaint.refresh_from_db()
    assert complaint.escalation_level >= 1


def test_a_failing_hook_does_not_stop_the_others(monkeypatch, caplog):
    calls = []

    def broken(*, now):
        raise RuntimeError("boom")

    def fine(*, now):
        calls.append(now)

    monkeypatch.setattr(sweep_hooks, "_HOOKS", [])
    sweep_hooks.register(broken)
    sweep_hooks.register(fine)
    sweep_hooks.register(fine)  # registered once only
    sweep_hooks.run_all(now=MONDAY_9)
    assert calls == [MONDAY_9]
    assert "boom" in caplog.text


def test_escalation_emails_speak_the_recipients_language(user_a1, agent_a, client_a):
    agent_a.language = "zh-hans"
    agent_a.save()
    ComplaintSettings.objects.create(client=client_a, hold_to_working_hours=False)
    open_complaint(user_a1)
    mail.outbox.clear()
    complaints_sweep(now=cst(3, 2, 12))
    email = OutboundEmail.objects.filter(to=agent_a.email).latest("id")
    assert "投诉" in email.subject


def test_a_calendar_without_working_time_is_a_clear_error(user_a1, client_a):
    from itsm.exceptions import ApplicationError

    empty = BusinessCalendar.objects.create(code="never", name="Never open")
    ComplaintSettings.objects.create(client=client_a, calendar=empty)
    with pytest.raises(ApplicationError, match="deadlines cannot be computed"):
        open_complaint(user_a1)
