"""Writes: who hears of what (in-app rows, email by preference) and marking as read.

Called from the receivers inside the transaction that made the change, so a notification
exists exactly when its change was committed, and once per event (`key`, unique per recipient).
"""

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import translation

from clients.models import Team, User
from itsm.links import absolute_reverse
from itsm.outbox import email_enqueue
from itsm.tenancy import STAFF_ROLES
from sla.clocks import rules_matching
from sla.models import EscalationRule
from tickets.models import Ticket

from .models import Kind, Notification, NotificationPreference
from .new_ticket import notify_new_ticket

__all__ = ["notify_new_ticket"]  # its own module: one statement instead of notify()


def _staff(queryset, prefix: str = ""):
    return queryset.filter(**{f"{prefix}is_active": True}).filter(
        Q(**{f"{prefix}role__in": STAFF_ROLES}) | Q(**{f"{prefix}is_superuser": True})
    )


def responsible_people(*, tickets: list[Ticket]) -> dict[int, list[User]]:
    """Per ticket: the assignee; when there is none, the ticket's team; without one, every team
    serving the client. A fixed number of queries for any number of tickets (the sweep)."""
    result = {t.pk: [t.assignee] for t in tickets if t.assignee_id}
    unassigned = [t for t in tickets if not t.assignee_id]
    if not unassigned:
        return result
    teams_of = {t.pk: {t.team_id} for t in unassigned if t.team_id}
    teamless = [t for t in unassigned if not t.team_id]
    if teamless:
        serving = defaultdict(set)
        links = Team.clients.through.objects.filter(client_id__in={t.client_id for t in teamless})
        for team_id, client_id in links.values_list("team_id", "client_id"):
            serving[client_id].add(team_id)
        teams_of.update({t.pk: serving[t.client_id] for t in teamless})
    members = defaultdict(list)
    memberships = _staff(
        Team.members.through.objects.filter(team_id__in=set().union(*teams_of.values())),
        "user__",
    ).select_related("user")
    for membership in memberships:
        members[membership.team_id].append(membership.user)
    for ticket in unassigned:
        people = {p.pk: p for team_id in teams_of[ticket.pk] for p in members[team_id]}
        result[ticket.pk] = list(people.values())
    return result


def notify(
    *,
    actor: User | None,
    kind: str,
    deliveries: list[tuple[Ticket, Iterable[User], str]],
    now: datetime,
    mailed_elsewhere: frozenset[tuple[str, int]] = frozenset(),
) -> list[Notification]:
    """For each (ticket, recipients, key): store one notification per recipient - never the
    actor, never twice for one key - and email those whose preference asks for this kind,
    except the (key, person id) pairs another path emails about the same event.
    A fixed number of queries plus one per email. Returns the notifications written."""
    wanted = []
    for ticket, recipients, key in deliveries:
        people = {
            p.pk: p
            for p in recipients
            if p is not None and p.is_active and (actor is None or p.pk != actor.pk)
        }
        wanted += [(ticket, person, key) for person in people.values()]
    if not wanted:
        return []
    already = set(
        Notification.objects.filter(
            key__in={key for _t, _p, key in wanted},
            recipient_id__in={person.pk for _t, person, _k in wanted},
        ).values_list("recipient_id", "key")
    )
    wanted = [(t, p, k) for t, p, k in wanted if (p.pk, k) not in already]
    if not wanted:
        return []
    rows = Notification.objects.bulk_create(
        [
            Notification(
                client_id=ticket.client_id,
                recipient=person,
                ticket=ticket,
                actor=actor,
                kind=kind,
                key=key,
                created_at=now,
            )
            for ticket, person, key in wanted
        ]
    )
    preferences = _preferences(person for _t, person, _k in wanted)
    for ticket, person, key in wanted:
        if (key, person.pk) in mailed_elsewhere:
            continue
        preference = preferences.get(person.pk) or NotificationPreference(user=person)
        if preference.wants_email(kind, ticket.priority):
            _email(person, kind, ticket, actor)
    return rows


def _preferences(people: Iterable[User]) -> dict[int, NotificationPreference | None]:
    """Each person's preference row (None: none stored); one query for those not joined in."""
    descriptor = User.notification_preference
    known, unknown = {}, set()
    for person in people:
        if descriptor.is_cached(person):
            known[person.pk] = descriptor.related.get_cached_value(person)
        else:
            unknown.add(person.pk)
    if unknown:
        known.update(NotificationPreference.objects.in_bulk(unknown))
    return known


def _email(person: User, kind: str, ticket: Ticket, actor: User | None) -> None:
    if not person.email:
        return
    link = absolute_reverse("tickets:ticket-workspace", args=[ticket.pk])
    with translation.override(person.language or settings.LANGUAGE_CODE):
        text = render_to_string(
            f"notifications/email/{kind}.txt",
            {"ticket": ticket, "person": person, "actor": actor, "link": link},
        )
    subject, _, body = text.strip().partition("\n")
    email_enqueue(to=person.email, subject=subject.strip(), body=body.strip())


def notify_requester_activity(
    *, actor: User | None, kind: str, ticket: Ticket, now: datetime
) -> list[Notification]:
    """A requester's reply or a reopen: to whoever is responsible for the ticket now."""
    return notify(
        actor=actor,
        kind=kind,
        deliveries=[
            (
                ticket,
                responsible_people(tickets=[ticket])[ticket.pk],
                f"{kind}:{ticket.pk}:v{ticket.version}",
            )
        ],
        now=now,
    )


def notify_assigned(*, actor: User | None, ticket: Ticket, now: datetime) -> list[Notification]:
    """The new assignee, unless they took the ticket themselves (notify() skips the actor)."""
    return notify(
        actor=actor,
        kind=Kind.ASSIGNED,
        deliveries=[(ticket, [ticket.assignee], f"assigned:{ticket.pk}:v{ticket.version}")],
        now=now,
    )


def notify_sla_warnings(*, clocks, now: datetime) -> int:
    """Each warned clock once, to whoever is responsible for its ticket (open tickets only)."""
    if not clocks:
        return 0
    tickets = Ticket.objects.select_related("assignee", "team").in_bulk(
        {c.ticket_id for c in clocks}
    )
    open_tickets = [t for t in tickets.values() if t.is_open]
    people = responsible_people(tickets=open_tickets)
    deliveries = [
        (tickets[c.ticket_id], people[c.ticket_id], f"sla-warning:{c.pk}")
        for c in clocks
        if c.ticket_id in people
    ]
    if not any(recipients for _t, recipients, _k in deliveries):
        return 0
    return len(
        notify(
            actor=None,
            kind=Kind.SLA_WARNING,
            deliveries=deliveries,
            now=now,
            mailed_elsewhere=_mailed_by_warning_rules(clocks, tickets),
        )
    )


def _mailed_by_warning_rules(clocks, tickets: dict[int, Ticket]) -> frozenset[tuple[str, int]]:
    """(key, person id) of the warnings an active escalation rule emails itself (the same sweep
    fires it): the rule owns that mail, with its delivery time, so nobody gets two."""
    rules = list(
        EscalationRule.objects.filter(
            is_active=True,
            trigger=EscalationRule.Trigger.WARNING,
            action__in=(
                EscalationRule.Action.NOTIFY_ASSIGNEE,
                EscalationRule.Action.NOTIFY_TEAM_LEAD,
            ),
        )
    )
    pairs = set()
    for clock in clocks:
        ticket = tickets[clock.ticket_id]
        for rule in rules_matching(clock, rules):
            if rule.action == EscalationRule.Action.NOTIFY_ASSIGNEE:
                person_id = ticket.assignee_id
            else:
                person_id = ticket.team.lead_id if ticket.team_id else None
            if person_id:
                pairs.add((f"sla-warning:{clock.pk}", person_id))
    return frozenset(pairs)


@transaction.atomic
def notification_mark_read(
    *, actor: User, notification: Notification, now: datetime
) -> Notification:
    if notification.recipient_id != actor.pk:  # callers fetch through visible_to; belt and braces
        raise Notification.DoesNotExist
    if notification.read_at is None:
        notification.read_at = now
        notification.save(update_fields=["read_at"])
    return notification


@transaction.atomic
def notifications_mark_all_read(*, actor: User, now: datetime) -> int:
    marked = Notification.objects.visible_to(actor).unread().update(read_at=now)
    return marked


@transaction.atomic
def preferences_save(*, actor: User, **choices: bool) -> NotificationPreference:
    preference, _created = NotificationPreference.objects.get_or_create(user=actor)
    for name, value in choices.items():
        if not name.startswith("email_") or not hasattr(preference, name):
            raise TypeError(f"unknown preference {name}")
        setattr(preference, name, bool(value))
    preference.save()
    return preference


def preferences_for(*, user: User) -> NotificationPreference:
    return NotificationPreference.objects.filter(user=user).first() or NotificationPreference(
        user=user
    )
