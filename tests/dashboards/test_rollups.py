"""Roll-ups kept up incrementally equal a from-scratch recomputation after random histories."""

import contextlib
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from itsm.exceptions import ApplicationError
from reports.dashboards.models import BreachEntry, DailyRollup, MonthlyRollup, RollupState
from reports.dashboards.rollups import clock_outcome, hist_bucket, rollups_rebuild, rollups_refresh
from sla.models import ServiceTier
from sla.services import sla_sweep
from tests import factories as f
from tests.sla.conftest import make_tier
from tickets import services as ts
from tickets.models import Ticket, TicketEvent

pytestmark = pytest.mark.django_db

ACTIONS = st.lists(
    st.tuples(
        st.sampled_from(
            [
                "create",
                "reply",
                "waiting",
                "resume",
                "resolve",
                "reopen",
                "close",
                "cancel",
                "priority",
                "category",
                "rate",
                "sweep",
                "refresh",
            ]
        ),
        st.integers(0, 5),  # which ticket
        st.integers(1, 5),  # a score or priority
    ),
    min_size=1,
    max_size=25,
)


def ensure_default_tier() -> None:
    if not ServiceTier.objects.filter(is_default=True).exists():
        tier = make_tier("Default-h")
        tier.is_default = True
        tier.save()


def snapshot() -> tuple[list, list, list]:
    rollups = sorted(
        tuple(sorted((k, v) for k, v in row.items() if k != "id"))
        for row in DailyRollup.objects.values()
    )
    monthly = sorted(
        tuple(sorted((k, v) for k, v in row.items() if k != "id"))
        for row in MonthlyRollup.objects.values()
    )
    breaches = sorted(
        (b["ticket_id"], b["kind"], b["day"], b["breached_at"], b["site_id"], b["tier_name"])
        for b in BreachEntry.objects.values()
    )
    return rollups, monthly, breaches


def apply(action, index, number, *, people, tickets, categories, sweep_at):
    requester, agent = people
    ticket = tickets[index % len(tickets)] if tickets else None
    if action == "create" or ticket is None:
        tickets.append(
            f.make_ticket(
                requester=requester, category=categories[number % 2], impact=number % 3 + 1
            )
        )
        return
    ticket.refresh_from_db()
    status = {
        "waiting": "waiting",
        "resume": "in_progress",
        "resolve": "resolved",
        "close": "closed",
        "cancel": "cancelled",
    }
    if action == "reply":
        ts.ticket_reply(actor=agent, ticket=ticket, body="On it.")
    elif action in status:
        ts.ticket_change_status(actor=agent, ticket=ticket, status=status[action])
    elif action == "reopen":
        ts.ticket_change_status(actor=requester, ticket=ticket, status="reopened")
    elif action == "priority":
        ts.ticket_change_priority(actor=agent, ticket=ticket, priority=number % 4 + 1)
    elif action == "category":
        ts.ticket_change_category(actor=agent, ticket=ticket, category=categories[number % 2])
    elif action == "rate":
        ts.ticket_rate(actor=requester, ticket=ticket, score=number)
    elif action == "sweep":
        # Far ahead: running clocks breach, on later days than the tickets were opened.
        sweep_at[0] += timedelta(days=number)
        sla_sweep(now=sweep_at[0])
    elif action == "refresh":
        rollups_refresh(now=timezone.now())


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(actions=ACTIONS)
def test_incremental_rollups_equal_a_rebuild(actions, user_a1, agent_a, client_a):
    categories = [f.make_category("desktop"), f.make_category("network")]
    client_a.agreements.get().categories.set(categories)
    with transaction.atomic():
        ensure_default_tier()
        tickets: list[Ticket] = []
        sweep_at = [timezone.now()]
        rollups_refresh(now=timezone.now())  # first run: rebuild of nothing, sets the mark
        for action, index, number in actions:
            # An illegal move for the ticket's state changes nothing.
            with contextlib.suppress(ApplicationError):
                apply(
                    action,
                    index,
                    number,
                    people=(user_a1, agent_a),
                    tickets=tickets,
                    categories=categories,
                    sweep_at=sweep_at,
                )
        rollups_refresh(now=timezone.now())
        incremental = snapshot()
        rollups_rebuild(now=timezone.now())
        assert snapshot() == incremental
        if tickets:
            assert DailyRollup.objects.exists()
        transaction.set_rollback(True)


def test_refresh_picks_up_a_change_after_the_watermark(user_a1, agent_a):
    ensure_default_tier()
    rollups_refresh(now=timezone.now())
    assert RollupState.objects.get().events_until is not None
    ticket = f.make_ticket(requester=user_a1)
    assert not DailyRollup.objects.exists()  # not rolled up until the next refresh
    rollups_refresh(now=timezone.now())
    assert sum(DailyRollup.objects.values_list("opened", flat=True)) == 1
    ts.ticket_change_status(actor=agent_a, ticket=ticket, status="resolved")
    rollups_refresh(now=timezone.now())
    assert sum(DailyRollup.objects.values_list("resolved", flat=True)) == 1
    assert sum(DailyRollup.objects.values_list("backlog_delta", flat=True)) == 0


def test_rebuild_command(october, capsys):
    call_command("rebuild_rollups")
    assert "roll-up rows written" in capsys.readouterr().out
    assert DailyRollup.objects.filter(client=october.client).exists()
    with pytest.raises(Exception, match="Unknown client"):
        call_command("rebuild_rollups", "--client", "NOPE")


def test_histogram_edges_are_inclusive_upper_bounds():
    assert hist_bucket(0) == 0 and hist_bucket(15) == 0 and hist_bucket(15.5) == 1
    assert hist_bucket(14400) == 15 and hist_bucket(14401) == 16


def test_clock_outcome_reads_stored_flags_only():
    t = timezone.now()
    assert clock_outcome(met=True, breached_at=None, stopped_at=t) == ("met", t)
    assert clock_outcome(met=False, breached_at=None, stopped_at=t) == ("breached", t)
    early = t - timedelta(hours=1)
    assert clock_outcome(met=None, breached_at=early, stopped_at=None) == ("breached", early)
    assert clock_outcome(met=False, breached_at=early, stopped_at=t) == ("breached", early)
    assert clock_outcome(met=None, breached_at=None, stopped_at=t) is None  # cancelled in time
    assert clock_outcome(met=None, breached_at=None, stopped_at=None) is None  # running


def test_beat_runs_the_refresh_task_every_few_minutes(user_a1):
    from itsm.celery import app
    from reports.dashboards.tasks import rollups_refresh as task

    entry = app.conf.beat_schedule["dashboards-rollups-refresh"]
    assert entry["task"] == task.name == "reports.dashboards.tasks.rollups_refresh"
    ensure_default_tier()
    f.make_ticket(requester=user_a1)
    task.delay()  # first run: rebuilds and sets the watermark
    assert RollupState.objects.get().events_until is not None
    assert sum(DailyRollup.objects.values_list("opened", flat=True)) == 1


def test_category_change_of_an_earlier_ticket_updates_later_repeat_contacts(user_a1, agent_a):
    ensure_default_tier()
    desktop, network = f.make_category("desktop"), f.make_category("network")
    user_a1.client.agreements.get().categories.set([desktop, network])
    now = timezone.now()
    earlier = f.make_ticket(requester=user_a1, category=desktop)
    later = f.make_ticket(requester=user_a1, category=network)
    for ticket, days in ((earlier, 3), (later, 1)):
        Ticket.objects.filter(pk=ticket.pk).update(created_at=now - timedelta(days=days))
        TicketEvent.objects.filter(ticket=ticket).update(created_at=now - timedelta(days=days))
    rollups_refresh(now=now)
    assert sum(DailyRollup.objects.values_list("repeat_contacts", flat=True)) == 0
    earlier.refresh_from_db()
    ts.ticket_change_category(actor=agent_a, ticket=earlier, category=network)
    rollups_refresh(now=timezone.now())
    assert sum(DailyRollup.objects.values_list("repeat_contacts", flat=True)) == 1
    incremental = snapshot()
    rollups_rebuild(now=timezone.now())
    assert snapshot() == incremental


def test_a_rating_days_later_counts_as_answered_on_the_day_the_request_was_sent(user_a1, agent_a):
    from reports.satisfaction.models import CsatRequest

    ensure_default_tier()
    ticket = f.make_ticket(requester=user_a1)
    ts.ticket_change_status(actor=agent_a, ticket=ticket, status="resolved")
    request = CsatRequest.objects.get(ticket=ticket)
    # Resolved and asked three days ago; the rating comes today.
    earlier = timezone.now() - timedelta(days=3)
    Ticket.objects.filter(pk=ticket.pk).update(created_at=earlier, resolved_at=earlier)
    TicketEvent.objects.filter(ticket=ticket).update(created_at=earlier)
    CsatRequest.objects.filter(pk=request.pk).update(sent_at=earlier)
    rollups_rebuild(now=timezone.now())
    sent_day = DailyRollup.objects.get(csat_sent=1)
    assert sent_day.csat_answered == 0
    ticket.refresh_from_db()
    ts.ticket_rate(actor=user_a1, ticket=ticket, score=4)
    rollups_refresh(now=timezone.now())
    # The refresh rewrote the day the request was sent, not only today.
    answered = DailyRollup.objects.filter(day=sent_day.day).values_list("csat_answered", flat=True)
    assert sum(answered) == 1
