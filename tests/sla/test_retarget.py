"""Re-targeting on priority or tier changes keeps elapsed and paused time; history survives."""

import pytest

from sla import services
from sla.models import RetargetJob, TierTarget
from sla.services import client_retarget_queue, retarget_run, tier_retarget_queue
from tests.factories import make_ticket
from tickets import services as ts
from tickets.models import Status, Ticket, TicketEvent

from .conftest import FOR_PRIORITY, assign, clocks_of, cst, make_tier

pytestmark = pytest.mark.django_db


def test_priority_change_keeps_elapsed_and_paused_time(user_a1, agent_a):
    ticket = make_ticket(requester=user_a1, now=cst(3, 2, 9), **FOR_PRIORITY[3])
    ts.ticket_change_status(actor=agent_a, ticket=ticket, status=Status.WAITING, now=cst(3, 2, 10))
    ts.ticket_change_status(
        actor=agent_a, ticket=ticket, status=Status.IN_PROGRESS, now=cst(3, 2, 11)
    )
    ts.ticket_change_priority(actor=agent_a, ticket=ticket, priority=1, now=cst(3, 2, 11, 30))
    clocks = clocks_of(ticket)
    # P1 resolution 240: 9-10 and 11-12 count (the 10-11 wait does not), then 13-15.
    # Forgetting the pause would give 14:00; restarting the count at 11:30 would give 16:30.
    assert clocks["resolution"].due_at == cst(3, 2, 15)
    assert clocks["resolution"].target_minutes == 240
    assert clocks["resolution"].priority == 1
    # P1 response 30 was already used up before the wait: due (and overdue) at 09:30.
    assert clocks["response"].due_at == cst(3, 2, 9, 30)
    assert Ticket.objects.get(pk=ticket.pk).sla_due_at == cst(3, 2, 9, 30)
    assert clocks["resolution"].history == [
        {
            "at": cst(3, 2, 11, 30).isoformat(),
            "old": 1440,
            "new": 240,
            "reason": {"code": "priority", "old": 3, "new": 1},
        }
    ]
    event = ticket.events.get(kind=TicketEvent.Kind.SLA)
    assert event.actor == agent_a
    assert "priority P3 → P1" in event.text and "1440 → 240" in event.text


def test_priority_change_while_waiting_keeps_the_clock_paused(user_a1, agent_a):
    ticket = make_ticket(requester=user_a1, now=cst(3, 2, 9), **FOR_PRIORITY[3])
    ts.ticket_change_status(actor=agent_a, ticket=ticket, status=Status.WAITING, now=cst(3, 2, 10))
    ts.ticket_change_priority(actor=agent_a, ticket=ticket, priority=2, now=cst(3, 2, 11))
    ts.ticket_change_status(
        actor=agent_a, ticket=ticket, status=Status.IN_PROGRESS, now=cst(3, 2, 14)
    )
    resolution = clocks_of(ticket)["resolution"]
    assert resolution.target_minutes == 480
    # 60 used before the wait; 420 from 14:00: 14-18 (240), then Tuesday 09-12 (180).
    assert resolution.due_at == cst(3, 3, 12)


def test_stopped_response_clock_keeps_its_target_when_priority_changes(user_a1, agent_a):
    ticket = make_ticket(requester=user_a1, now=cst(3, 2, 9), **FOR_PRIORITY[3])
    ts.ticket_reply(actor=agent_a, ticket=ticket, body="On it", now=cst(3, 2, 9, 10))
    ts.ticket_change_priority(actor=agent_a, ticket=ticket, priority=1, now=cst(3, 2, 9, 20))
    clocks = clocks_of(ticket)
    assert (clocks["response"].target_minutes, clocks["response"].met) == (240, True)
    assert clocks["resolution"].target_minutes == 240


def test_tier_change_retargets_open_tickets_and_closed_keep_theirs(client_a, user_a1, agent_a):
    gold = make_tier("Gold", targets={p: (10 * p, 100 * p) for p in (1, 2, 3, 4)})
    assign(gold, client=client_a)
    open_ticket = make_ticket(requester=user_a1, now=cst(3, 2, 9), **FOR_PRIORITY[3])
    done = make_ticket(requester=user_a1, now=cst(3, 2, 9), **FOR_PRIORITY[3])
    ts.ticket_change_status(actor=agent_a, ticket=done, status=Status.RESOLVED, now=cst(3, 2, 10))
    assert clocks_of(open_ticket)["resolution"].due_at == cst(3, 2, 15)  # 300 minutes

    TierTarget.objects.filter(tier=gold, priority=3).update(resolution_minutes=120)
    job = retarget_run(job_id=tier_retarget_queue(tier=gold).pk, now=cst(3, 2, 10))
    assert (job.status, job.total, job.done, job.retargeted) == (RetargetJob.Status.DONE, 1, 1, 1)

    assert clocks_of(open_ticket)["resolution"].due_at == cst(3, 2, 11)
    assert clocks_of(open_ticket)["response"].due_at == cst(3, 2, 9, 30)  # unchanged: no event line
    body = open_ticket.events.get(kind=TicketEvent.Kind.SLA).text
    assert "tier “Gold” changed" in body and "300 → 120" in body
    assert clocks_of(done)["resolution"].target_minutes == 300
    assert not any("re-targeted" in e.text for e in done.events.filter(kind=TicketEvent.Kind.SLA))


def test_new_assignment_moves_open_tickets_to_the_new_tier(client_a, user_a1):
    ticket = make_ticket(requester=user_a1, now=cst(3, 2, 9), **FOR_PRIORITY[4])
    assert clocks_of(ticket)["resolution"].tier_name == "Standard / 标准"
    fast = make_tier("Fast", targets={p: (15, 60) for p in (1, 2, 3, 4)})
    assign(fast, client=client_a)
    job = retarget_run(job_id=client_retarget_queue(client=client_a).pk, now=cst(3, 2, 9, 30))
    assert job.retargeted == 1
    resolution = clocks_of(ticket)["resolution"]
    assert (resolution.tier_name, resolution.due_at) == ("Fast", cst(3, 2, 10))
    assert resolution.history[0]["old"] == 2880


def test_a_job_runs_in_batches_recording_progress_and_records_a_failure(
    client_a, user_a1, monkeypatch
):
    tickets = [
        make_ticket(requester=user_a1, now=cst(3, 2, 9), **FOR_PRIORITY[4]) for _ in range(5)
    ]
    fast = make_tier("Fast", targets={p: (15, 60) for p in (1, 2, 3, 4)})
    assign(fast, client=client_a)
    job = client_retarget_queue(client=client_a)
    monkeypatch.setattr(services, "RETARGET_BATCH", 2)
    seen = []
    real = services._ticket_retarget

    def spy(pk, reason, now):
        seen.append(RetargetJob.objects.values_list("done", "total").get(pk=job.pk))
        return real(pk, reason, now)

    monkeypatch.setattr(services, "_ticket_retarget", spy)
    job = retarget_run(job_id=job.pk, now=cst(3, 2, 9, 30))
    assert seen == [(0, 5), (0, 5), (2, 5), (2, 5), (4, 5)]  # progress committed per batch
    assert (job.status, job.done, job.retargeted) == (RetargetJob.Status.DONE, 5, 5)
    assert all(clocks_of(t)["resolution"].tier_name == "Fast" for t in tickets)

    def broken(pk, reason, now):
        raise RuntimeError("calendar vanished")

    monkeypatch.setattr(services, "_ticket_retarget", broken)
    failed = client_retarget_queue(client=client_a)
    with pytest.raises(RuntimeError):
        retarget_run(job_id=failed.pk, now=cst(3, 2, 9, 40))
    failed.refresh_from_db()
    assert (failed.status, failed.error, failed.done) == (
        RetargetJob.Status.FAILED,
        "calendar vanished",
        0,
    )
