"""Listeners to the domain signals; each runs inside the transaction of its change and only
inserts RobotMessage rows (sent after commit), so it adds no HTTP to any request or sweep.

Which robots hear of a ticket: those of the ticket's team, or, while it has none, of every team
serving its client; of a complaint: those of the teams serving its client.
"""

from collections import defaultdict

from django.conf import settings

from clients.models import Team

from .delivery import messages_enqueue
from .models import EVENT_FIELDS, Event, RobotMessage, RobotTarget

URGENT = 2  # P1 and P2


def _serving(client_ids) -> dict[int, set[int]]:
    teams = defaultdict(set)
    links = Team.clients.through.objects.filter(client_id__in=set(client_ids))
    for team_id, client_id in links.values_list("team_id", "client_id"):
        teams[client_id].add(team_id)
    return teams


def _teams_of_tickets(tickets) -> dict[int, set[int]]:
    serving = _serving({t.client_id for t in tickets if not t.team_id})
    return {t.pk: {t.team_id} if t.team_id else serving[t.client_id] for t in tickets}


def _enqueue(event: str, items: list[tuple[set[int], str, dict]]) -> list[RobotMessage]:
    """items: (team ids, key, context). Two queries plus one INSERT for any number."""
    team_ids = set().union(*(teams for teams, _k, _c in items)) if items else set()
    if not team_ids:
        return []
    robots = defaultdict(list)
    wanted = RobotTarget.objects.filter(
        team_id__in=team_ids, is_active=True, **{EVENT_FIELDS[event]: True}
    )
    for target in wanted:
        robots[target.team_id].append(target)
    rows = [
        RobotMessage(target=target, event=event, key=key, context=context)
        for teams, key, context in items
        for team_id in teams
        for target in robots[team_id]
    ]
    return messages_enqueue(rows)


def ticket_changed(sender, *, ticket, actor, change, now, **kwargs) -> None:
    """A ticket filed as P1/P2, or raised to one later: once per ticket."""
    if change in ("created", "priority") and ticket.priority <= URGENT:
        teams = _teams_of_tickets([ticket])[ticket.pk]
        _enqueue(Event.URGENT_TICKET, [(teams, f"urgent:{ticket.pk}", {"ticket": ticket.pk})])


def ticket_rated(sender, *, rating, ticket, actor, now, **kwargs) -> None:
    """The same threshold as the service-recovery follow-up (CSAT_LOW_SCORE_THRESHOLD)."""
    if rating.score <= settings.CSAT_LOW_SCORE_THRESHOLD:
        teams = _teams_of_tickets([ticket])[ticket.pk]
        _enqueue(Event.LOW_RATING, [(teams, f"rating:{rating.pk}", {"rating": rating.pk})])


def _clocks(event: str, prefix: str, clocks) -> None:
    """One query when no robot wants this event for these clients (the usual sweep minute):
    only robots of teams serving the clocks' clients are considered."""
    if not clocks:
        return
    from tickets.models import Ticket

    flag = EVENT_FIELDS[event]
    links = Team.clients.through.objects.filter(
        client_id__in={c.client_id for c in clocks},
        **{"team__robot_targets__is_active": True, f"team__robot_targets__{flag}": True},
    )
    serving = defaultdict(set)
    for team_id, client_id in links.values_list("team_id", "client_id").distinct():
        serving[client_id].add(team_id)
    if not serving:
        return
    tickets = Ticket.objects.only("team_id", "client_id", "status").in_bulk(
        {c.ticket_id for c in clocks}
    )
    teams = {
        t.pk: {t.team_id} if t.team_id else serving[t.client_id]
        for t in tickets.values()
        if t.is_open
    }
    _enqueue(
        event,
        [
            (teams[c.ticket_id], f"{prefix}:{c.pk}", {"clock": c.pk})
            for c in clocks
            if c.ticket_id in teams
        ],
    )


def clocks_warned(sender, *, clocks, now, **kwargs) -> None:
    _clocks(Event.SLA_WARNING, "sla-warning", clocks)


def clocks_breached(sender, *, clocks, now, **kwargs) -> None:
    _clocks(Event.SLA_BREACH, "sla-breach", clocks)


def complaint_opened(sender, *, complaint, now, **kwargs) -> None:
    teams = _serving([complaint.client_id])[complaint.client_id]
    context = {"complaint": complaint.pk}
    _enqueue(Event.COMPLAINT, [(teams, f"complaint:{complaint.pk}", context)])


def complaint_escalated(sender, *, complaint, level, now, **kwargs) -> None:
    teams = _serving([complaint.client_id])[complaint.client_id]
    context = {"complaint": complaint.pk, "level": level}
    _enqueue(Event.COMPLAINT, [(teams, f"complaint:{complaint.pk}:level{level}", context)])
