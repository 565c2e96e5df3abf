"""The complaint part of the one SLA sweep: levelled escalation, each level exactly once.

Level 1 tells the owner's team lead, level 2 the client's account director, level 3 the
provider's management list. The sweep locks due complaints with SKIP LOCKED (concurrent sweeps
take disjoint rows), raises the level by a conditional UPDATE and records a unique firing row,
so a level can neither be skipped by a race nor fire twice.
"""

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from clients.models import Team, User
from sla.clocks import local_label
from sla.schedule import next_working_instant

from . import notifications
from .deadlines import Rules, next_level_at, rules_for
from .models import Complaint, ComplaintEvent, EscalationFiring, ManagementContact, Status
from .services import event_record
from .signals import complaint_escalated

BATCH = 100
NOTIFY_BATCH = 200


def level_label(level: int) -> str:
    return {1: _("team lead"), 2: _("account director"), 3: _("management")}[level]


def level_recipients(complaint: Complaint, level: int, rules: Rules) -> list[User]:
    if level == 1:
        teams = Team.objects.filter(clients=complaint.client_id, lead__isnull=False)
        own = teams.filter(members=complaint.owner_id) if complaint.owner_id else teams.none()
        chosen = own if own.exists() else teams
        return [team.lead for team in chosen.select_related("lead").distinct()]
    if level == 2:
        director = User.objects.filter(pk=rules.account_director_id).first()
        return [director] if director is not None else []
    return [contact.person for contact in ManagementContact.objects.select_related("person")]


def complaints_sweep(*, now: datetime) -> int:
    """Fire every escalation level due by `now` (at its true instant); returns levels fired."""
    fired = 0
    while True:
        with transaction.atomic():
            rows = list(
                Complaint.objects.due_for_check(now)
                .select_for_update(skip_locked=True, of=("self",))
                .select_related("client", "owner")
                .order_by("next_check_at", "id")[:BATCH]
            )
            rules: dict[int, Rules] = {}
            for complaint in rows:
                if complaint.client_id not in rules:
                    rules[complaint.client_id] = rules_for(complaint.client_id)
                fired += _escalate(complaint, rules[complaint.client_id], now)
        if len(rows) < BATCH:
            break
    escalation_notifications_send(now=now)
    return fired


def _escalate(complaint: Complaint, rules: Rules, now: datetime) -> int:
    """Fire the levels of one locked complaint that are due, then set its next look."""
    fired = 0
    while (at := next_level_at(complaint, rules)) is not None and at <= now:
        level = complaint.escalation_level + 1
        won = Complaint.objects.filter(pk=complaint.pk, escalation_level=level - 1).update(
            escalation_level=level, last_escalated_at=at
        )
        if won != 1:  # another sweep raised it meanwhile: never act twice
            return fired
        complaint.escalation_level, complaint.last_escalated_at = level, at
        missed = (
            EscalationFiring.Deadline.ACKNOWLEDGE
            if complaint.status == Status.OPEN
            else EscalationFiring.Deadline.RESOLVE
        )
        spec = rules.spec
        notify_after = next_working_instant(spec, now) if rules.hold_to_working_hours else now
        firing = EscalationFiring.objects.create(
            complaint=complaint,
            client_id=complaint.client_id,
            level=level,
            deadline=missed,
            trigger_at=at,
            fired_at=now,
            notify_after=notify_after,
        )
        people = [p for p in level_recipients(complaint, level, rules) if p.is_active and p.email]
        names = ", ".join(person.display_name for person in people)
        if not people:
            outcome = _("nobody to notify")
        elif notify_after > now:
            outcome = _("%(names)s will be notified at %(at)s") % {
                "names": names,
                "at": local_label(notify_after, spec),
            }
        else:
            _notify(firing, complaint, people, spec)
            EscalationFiring.objects.filter(pk=firing.pk).update(notified_at=now)
            outcome = _("notified %(names)s") % {"names": names}
        event_record(
            complaint=complaint,
            actor=None,
            kind=ComplaintEvent.Kind.ESCALATION,
            now=now,
            is_internal=True,
            body=_(
                "Level %(level)s (%(who)s): the %(missed)s deadline %(due)s was missed; "
                "%(outcome)s."
            )
            % {
                "level": level,
                "who": level_label(level),
                "missed": missed.label,
                "due": local_label(due_of(complaint, missed), spec),
                "outcome": outcome,
            },
        )
        complaint_escalated.send(Complaint, complaint=complaint, level=level, now=now)
        fired += 1
    complaint.next_check_at = next_level_at(complaint, rules)
    Complaint.objects.filter(pk=complaint.pk).update(next_check_at=complaint.next_check_at)
    return fired


def due_of(complaint: Complaint, missed: str) -> datetime:
    if missed == EscalationFiring.Deadline.ACKNOWLEDGE:
        return complaint.ack_due_at
    return complaint.resolve_due_at


def _notify(firing: EscalationFiring, complaint: Complaint, people: list[User], spec) -> None:
    for person in people:
        notifications.escalation_send(
            person,
            complaint,
            level=firing.level,
            missed=EscalationFiring.Deadline(firing.deadline).label,
            due=local_label(due_of(complaint, firing.deadline), spec),
        )


def escalation_notifications_send(*, now: datetime) -> int:
    """Send the held escalation emails whose working hour has come, each firing once."""
    pending = EscalationFiring.objects.filter(notified_at__isnull=True, notify_after__lte=now)
    if not pending.exists():  # the usual minute: one index probe
        return 0
    sent = 0
    with transaction.atomic():
        due = list(
            pending.select_for_update(skip_locked=True, of=("self",))
            .select_related("complaint__client", "complaint__owner")
            .order_by("notify_after")[:NOTIFY_BATCH]
        )
        for firing in due:
            if not EscalationFiring.objects.filter(pk=firing.pk, notified_at__isnull=True).update(
                notified_at=now
            ):
                continue
            complaint = firing.complaint
            rules = rules_for(complaint.client_id)
            people = [
                p
                for p in level_recipients(complaint, firing.level, rules)
                if p.is_active and p.email
            ]
            _notify(firing, complaint, people, rules.spec)
            sent += 1
    return sent
