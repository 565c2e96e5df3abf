"""Status workflow: legal moves, illegal ones refused with a reason, requester moves, auto-close."""

from datetime import timedelta

import pytest
from django.utils import timezone

from itsm.exceptions import ApplicationError
from tickets import services
from tickets.models import Status, Ticket
from tickets.workflow import ALLOWED_TRANSITIONS

pytestmark = pytest.mark.django_db


def move(actor, ticket, *statuses, now=None):
    for status in statuses:
        ticket = services.ticket_change_status(actor=actor, ticket=ticket, status=status, now=now)
    return ticket


def test_full_life_is_legal(agent_a, user_a1, ticket_a1):
    ticket = services.ticket_claim(actor=agent_a, ticket=ticket_a1)
    assert ticket.status == Status.ASSIGNED and ticket.assignee == agent_a
    ticket = move(
        agent_a, ticket, Status.IN_PROGRESS, Status.WAITING, Status.IN_PROGRESS, Status.RESOLVED
    )
    assert ticket.resolved_at is not None
    ticket = move(user_a1, ticket, Status.REOPENED)
    assert ticket.resolved_at is None
    ticket = move(agent_a, ticket, Status.RESOLVED)
    ticket = move(user_a1, ticket, Status.CLOSED)
    assert ticket.closed_at is not None
    kinds = list(ticket.events.values_list("kind", "new_value"))
    assert ("status", "closed") in kinds and ("assigned", "agent_a") in kinds


@pytest.mark.parametrize(
    ("path", "target"),
    [
        ([], Status.CLOSED),
        ([], Status.REOPENED),
        ([Status.RESOLVED, Status.CLOSED], Status.IN_PROGRESS),
        ([Status.CANCELLED], Status.NEW),
        ([Status.WAITING], Status.ASSIGNED),
    ],
)
def test_illegal_transition_refused_with_clear_message(agent_a, ticket_a1, path, target):
    ticket = move(agent_a, ticket_a1, *path)
    with pytest.raises(ApplicationError) as refused:
        move(agent_a, ticket, target)
    assert "cannot become" in refused.value.message
    assert Ticket.objects.get(pk=ticket.pk).status == ticket.status


def test_every_status_has_a_rule():
    assert set(ALLOWED_TRANSITIONS) == set(Status.values)


def test_end_user_cannot_resolve_or_progress(user_a1, ticket_a1):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied, match="Only the service desk"):
        move(user_a1, ticket_a1, Status.IN_PROGRESS)


def test_end_user_may_withdraw_new_ticket(user_a1, ticket_a1):
    assert move(user_a1, ticket_a1, Status.CANCELLED).status == Status.CANCELLED


def test_other_end_user_cannot_touch_ticket(user_a2, ticket_a1):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        move(user_a2, ticket_a1, Status.CANCELLED)


def test_reopen_window_closes(settings, agent_a, user_a1, ticket_a1):
    settings.TICKET_AUTO_CLOSE_DAYS = 3
    t0 = timezone.now()
    ticket = move(agent_a, ticket_a1, Status.RESOLVED, now=t0)
    with pytest.raises(ApplicationError, match="too long ago"):
        move(user_a1, ticket, Status.REOPENED, now=t0 + timedelta(days=4))


def test_auto_close_after_n_days(settings, agent_a, ticket_a1, ticket_a2):
    settings.TICKET_AUTO_CLOSE_DAYS = 5
    t0 = timezone.now()
    old = move(agent_a, ticket_a1, Status.RESOLVED, now=t0 - timedelta(days=6))
    recent = move(agent_a, ticket_a2, Status.RESOLVED, now=t0 - timedelta(days=1))
    assert services.tickets_auto_close(now=t0) == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.status == Status.CLOSED and old.events.last().actor is None
    assert recent.status == Status.RESOLVED
    assert services.tickets_auto_close(now=t0) == 0


def test_auto_close_task_is_scheduled():
    from itsm.celery import app

    tasks = {entry["task"] for entry in app.conf.beat_schedule.values()}
    assert "tickets.tasks.tickets_auto_close" in tasks


def test_agent_of_other_client_cannot_change_status(agent_b, ticket_a1):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        move(agent_b, ticket_a1, Status.IN_PROGRESS)
