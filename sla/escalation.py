"""Escalation rules firing: notify people, reassign, raise priority; held notifications.

Runs inside the sweep's transaction, which holds the row locks of the tickets and clocks.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from clients.models import Team, User
from itsm.links import absolute_reverse
from itsm.outbox import email_enqueue_rendered_later
from itsm.rows import rows_insert
from itsm.tenancy import Role
from tickets.models import Priority, Ticket, TicketEvent
from tickets.services import ticket_system_assign_team, ticket_system_raise_priority

from .clocks import local_label
from .facts import ESCALATION, instant_fact, trigger_text
from .models import EscalationRule, HeldNotification, RuleFiring, SlaClock
from .schedule import next_working_instant

Action = EscalationRule.Action
HELD_BATCH = 200
TEMPLATE = "sla/email/escalation.txt"
# (to, template, context ids, language) gathered over a batch and stored in one INSERT.
Emails = list[tuple[str, str, dict, str]]


@dataclass(slots=True)
class Outgoing:
    """What a batch of firings sends, stored once at its end (one INSERT each): emails now,
    notifications held for working hours; and each client's managers, read once."""

    emails: Emails = field(default_factory=list)
    held: list[HeldNotification] = field(default_factory=list)
    managers: dict[int, list[User]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Firing:
    """A rule whose trigger a clock reached, at the trigger's true instant; `pk` is its
    RuleFiring's once recorded."""

    rule: EscalationRule
    clock: SlaClock
    trigger_at: datetime
    pk: int | None = None


def active_rules() -> list[EscalationRule]:
    return list(EscalationRule.objects.filter(is_active=True).select_related("team"))


def fired_pairs(clock_ids: list[int]) -> set[tuple[int, int]]:
    """(clock_id, rule_id) pairs that already fired."""
    return set(RuleFiring.objects.filter(clock__in=clock_ids).values_list("clock_id", "rule_id"))


# What the actions read of a firing's ticket; the sweep reads these columns as it locks it.
TICKET_COLUMNS = ("pk", "client_id", "team_id", "assignee_id", "priority", "version")


@dataclass(slots=True)
class EscalatedTicket:
    """A locked ticket as the actions see it; the services that change it (team, priority)
    re-read the row under its lock, and the action copies back what later firings read."""

    pk: int
    client_id: int
    team_id: int | None
    assignee_id: int | None
    priority: int
    version: int
    team: Team | None = None  # read when a notify-team-lead rule fires, or set by a reassign
    assignee: User | None = None  # read when a notify-assignee rule fires


def escalate(*, firings: list[Firing], tickets: dict[int, tuple], now: datetime) -> None:
    """Record each firing and run its action; one SLA timeline event per firing.

    `tickets` maps the ids of tickets the caller holds locked to their TICKET_COLUMNS values.
    The caller decided the firings on clocks it holds locked and whose flags it just won, with
    pairs that already fired left out, so the RuleFiring insert cannot collide; if it ever did,
    its unique constraint fails the whole batch instead of acting twice.
    """
    if not firings:
        return
    ids = rows_insert(
        RuleFiring,
        {
            "client_id": [firing.clock.client_id for firing in firings],
            "rule_id": [firing.rule.pk for firing in firings],
            "clock_id": [firing.clock.pk for firing in firings],
            "trigger_at": [firing.trigger_at for firing in firings],
        },
        same={"fired_at": now},
    )
    records = [
        Firing(firing.rule, firing.clock, firing.trigger_at, pk)
        for firing, pk in zip(firings, ids, strict=True)
    ]
    escalated = _tickets(tickets, firings)
    out = Outgoing(managers=_managers(escalated, firings))
    ticket_ids, client_ids, facts = [], [], []
    for record in records:
        ticket = escalated[record.clock.ticket_id]
        outcome = _ACTIONS[record.rule.action](record, ticket, now, out)
        ticket_ids.append(ticket.pk)
        client_ids.append(ticket.client_id)
        facts.append(escalation_fact(record, outcome))
    rows_insert(
        TicketEvent,
        {"ticket_id": ticket_ids, "client_id": client_ids, "data": facts},
        same={"actor_id": None, "kind": TicketEvent.Kind.SLA, "is_internal": True},
    )
    HeldNotification.objects.bulk_create(out.held)
    email_enqueue_rendered_later(out.emails)


def _tickets(rows: dict[int, tuple], firings: list[Firing]) -> dict[int, EscalatedTicket]:
    """The firings' tickets, with each team (and its lead) and assignee an action reads loaded
    once rather than joined per ticket: a thousand firings usually name a handful of people."""
    tickets = {
        firing.clock.ticket_id: EscalatedTicket(*rows[firing.clock.ticket_id]) for firing in firings
    }
    actions = {firing.rule.action for firing in firings}
    if Action.NOTIFY_TEAM_LEAD in actions:
        teams = Team.objects.select_related("lead").in_bulk(
            {ticket.team_id for ticket in tickets.values() if ticket.team_id}
        )
        for ticket in tickets.values():
            ticket.team = teams.get(ticket.team_id)
    if Action.NOTIFY_ASSIGNEE in actions:
        assignees = User.objects.in_bulk(
            {ticket.assignee_id for ticket in tickets.values() if ticket.assignee_id}
        )
        for ticket in tickets.values():
            ticket.assignee = assignees.get(ticket.assignee_id)
    return tickets


def _managers(tickets: dict[int, EscalatedTicket], firings: list[Firing]) -> dict[int, list[User]]:
    """Active client managers by client, when a notify-client-manager rule fires."""
    if Action.NOTIFY_CLIENT_MANAGER not in {firing.rule.action for firing in firings}:
        return {}
    managers = {ticket.client_id: [] for ticket in tickets.values()}
    for person in User.objects.filter(
        client_id__in=managers, role=Role.CLIENT_MANAGER, is_active=True
    ):
        managers[person.client_id].append(person)
    return managers


def escalation_fact(firing: Firing | RuleFiring, outcome: dict) -> dict:
    """The facts of a firing's timeline entry (sla.facts words them in the viewer's language)."""
    return {
        "fact": ESCALATION,
        "rule": firing.rule.name,
        "kind": firing.clock.kind,
        "trigger": firing.rule.trigger,
        "percent": firing.rule.percent,
        "outcome": outcome,
    }


def trigger_label(firing: Firing | RuleFiring) -> str:
    return trigger_text(escalation_fact(firing, {}))


def held_notifications_send(*, now: datetime) -> int:
    """Send the held escalation emails whose working hour has come; each once."""
    pending = HeldNotification.objects.filter(sent_at__isnull=True, send_after__lte=now)
    if not pending.exists():  # the usual minute: one index probe, no transaction
        return 0
    with transaction.atomic():
        due = list(
            pending.select_for_update(skip_locked=True, of=("self",))
            .select_related("recipient")
            .order_by("send_after")[:HELD_BATCH]
        )
        emails: Emails = []
        for held in due:
            _email(emails, held.firing_id, person=held.recipient, address=held.address)
        email_enqueue_rendered_later(emails)
        HeldNotification.objects.filter(pk__in=[held.pk for held in due]).update(sent_at=now)
    return len(due)


def _deliver(
    firing: Firing,
    ticket: EscalatedTicket,
    now: datetime,
    out: Outgoing,
    people: list[User],
    address: str,
) -> dict:
    """Email now, or hold until the clock calendar's next working instant."""
    recipients = [person for person in people if person.is_active and person.email]
    if not recipients and not address:
        return {"code": "nobody"}
    names = ", ".join(
        [person.display_name for person in recipients] + ([address] if address else [])
    )
    send_after = now
    if firing.rule.deliver == EscalationRule.Delivery.NEXT_WORKING_HOUR:
        send_after = next_working_instant(firing.clock.calendar.spec(), now)
    if send_after > now:
        out.held.extend(
            [
                HeldNotification(
                    client_id=ticket.client_id,
                    firing_id=firing.pk,
                    recipient=person,
                    send_after=send_after,
                )
                for person in recipients
            ]
            + (
                [
                    HeldNotification(
                        client_id=ticket.client_id,
                        firing_id=firing.pk,
                        address=address,
                        send_after=send_after,
                    )
                ]
                if address
                else []
            )
        )
        return {
            "code": "held",
            "names": names,
            "at": instant_fact(send_after, firing.clock.calendar.spec().tz),
        }
    for person in recipients:
        _email(out.emails, firing.pk, person=person)
    if address:
        _email(out.emails, firing.pk, address=address)
    return {"code": "notified", "names": names}


def _email(
    emails: Emails, firing_id: int, *, person: User | None = None, address: str = ""
) -> None:
    """Queue the escalation email; the mail task renders it, in the recipient's language."""
    to = person.email if person else address
    context = {"firing": firing_id, "person": person.pk if person else None}
    emails.append((to, TEMPLATE, context, (person.language if person else "") or ""))


def email_context(ids: dict) -> dict:
    """The escalation template's context, read at send time from the ids the sweep stored."""
    firing = RuleFiring.objects.select_related(
        "rule", "clock__calendar", "clock__ticket__client", "clock__ticket__site"
    ).get(pk=ids["firing"])
    person = User.objects.get(pk=ids["person"]) if ids.get("person") else None
    clock, ticket = firing.clock, firing.clock.ticket
    staff_link = person is None or person.is_provider_staff
    view = "tickets:ticket-workspace" if staff_link else "tickets:ticket-client-detail"
    return {
        "ticket": ticket,
        "person": person,
        "trigger": trigger_label(firing),
        "rule": firing.rule,
        "clock": clock,
        "due": local_label(clock.due_at, clock.calendar.spec()),
        "link": absolute_reverse(view, args=[ticket.pk]),
    }


def _notify_assignee(firing: Firing, ticket: EscalatedTicket, now: datetime, out: Outgoing) -> dict:
    people = [ticket.assignee] if ticket.assignee_id else []
    return _deliver(firing, ticket, now, out, people, "")


def _notify_team_lead(
    firing: Firing, ticket: EscalatedTicket, now: datetime, out: Outgoing
) -> dict:
    lead = ticket.team.lead if ticket.team_id else None
    return _deliver(firing, ticket, now, out, [lead] if lead else [], "")


def _notify_address(firing: Firing, ticket: EscalatedTicket, now: datetime, out: Outgoing) -> dict:
    return _deliver(firing, ticket, now, out, [], firing.rule.address)


def _notify_client_manager(
    firing: Firing, ticket: EscalatedTicket, now: datetime, out: Outgoing
) -> dict:
    return _deliver(firing, ticket, now, out, out.managers[ticket.client_id], "")


def _reassign_team(firing: Firing, ticket: EscalatedTicket, now: datetime, _out: Outgoing) -> dict:
    team = firing.rule.team
    if team.pk == ticket.team_id:
        return {"code": "same_team", "team": team.name}
    if not team.clients.filter(pk=ticket.client_id).exists():
        return {"code": "team_not_serving", "team": team.name}
    changed = ticket_system_assign_team(
        ticket=Ticket(pk=ticket.pk), team=team, reason=_rule_reason(firing), now=now
    )
    # Later firings of this batch (e.g. notify the team lead) see the new team.
    ticket.team, ticket.team_id, ticket.version = team, team.pk, changed.version
    return {"code": "reassigned", "team": team.name}


def _raise_priority(firing: Firing, ticket: EscalatedTicket, now: datetime, _out: Outgoing) -> dict:
    """One step up (P3 → P2); the ticket's clocks follow the new priority like any change."""
    if ticket.priority <= Priority.P1:
        return {"code": "already_p1"}
    changed = ticket_system_raise_priority(
        ticket=Ticket(pk=ticket.pk), reason=_rule_reason(firing), now=now
    )
    ticket.priority, ticket.version = changed.priority, changed.version
    return {"code": "raised", "priority": ticket.priority}


def _rule_reason(firing: Firing) -> str:
    return _("by escalation rule “%(rule)s”") % {"rule": firing.rule.name}


_ACTIONS: dict[str, Callable[[Firing, EscalatedTicket, datetime, Outgoing], dict]] = {
    Action.NOTIFY_ASSIGNEE: _notify_assignee,
    Action.NOTIFY_TEAM_LEAD: _notify_team_lead,
    Action.NOTIFY_ADDRESS: _notify_address,
    Action.NOTIFY_CLIENT_MANAGER: _notify_client_manager,
    Action.REASSIGN_TEAM: _reassign_team,
    Action.RAISE_PRIORITY: _raise_priority,
}
