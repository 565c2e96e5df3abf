"""Migration sla.0003 brings stored clocks in line with the breach rule (issue 14)."""

import importlib

import pytest
from django.apps import apps

from sla.models import SlaClock
from tests.factories import make_ticket
from tickets import services as ts

from .conftest import FOR_PRIORITY, clocks_of, cst

pytestmark = pytest.mark.django_db

migration = importlib.import_module("sla.migrations.0003_slaclock_breach_at")


def as_recorded_before(clock: SlaClock) -> None:
    """What the old rule stored: breached at the due instant, checks aimed at the due instant."""
    SlaClock.objects.filter(pk=clock.pk).update(
        breached_at=clock.due_at,
        met=False if clock.stopped_at else None,
        breach_at=clock.due_at,
        next_check_at=None,
    )


def test_stored_clocks_get_breach_instants_and_wrong_breaches_are_undone(user_a1, agent_a):
    # Saturday 2026-02-14 17:00, P2: response due 18:00, breached only after 02-24 09:00.
    answered = make_ticket(requester=user_a1, now=cst(2, 14, 17), **FOR_PRIORITY[2])
    ts.ticket_reply(actor=agent_a, ticket=answered, body="Looking", now=cst(2, 16, 10))
    unanswered = make_ticket(requester=user_a1, now=cst(2, 14, 17), **FOR_PRIORITY[2])
    for ticket in (answered, unanswered):
        as_recorded_before(clocks_of(ticket)["response"])

    migration.forwards(apps, None)

    met = clocks_of(answered)["response"]
    assert (met.breach_at, met.breached_at, met.met) == (cst(2, 24, 9), None, True)
    late = clocks_of(unanswered)["response"]  # still running today, long past the holiday
    assert (late.breach_at, late.breached_at, late.met) == (cst(2, 24, 9), cst(2, 24, 9), None)
    running_resolution = clocks_of(unanswered)["resolution"]
    assert running_resolution.breach_at >= running_resolution.due_at
