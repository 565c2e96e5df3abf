"""The new-ticket announcement: one INSERT ... SELECT over the serving teams' members.

Filing a ticket is the system's busiest write. Reading the members into Python, checking which
of them already have the event and writing them back took three statements and most of a
creation's CPU; here the database picks the recipients, skips (recipient, key) pairs that exist
(the `notification_once` constraint) and returns, per row written, the recipient's stored email
choice for this priority. The rules are notify()'s: staff members of a team serving the client,
active, never the actor, once per key; P3/P4 only through teams that want them at once.
"""

from datetime import datetime
from functools import cache

from django.db import connection

from clients.models import Team, User
from itsm.tenancy import STAFF_ROLES
from tickets.models import Ticket

from .models import Kind, Notification, NotificationPreference, TeamNotificationSetting

URGENT = 2  # P1 and P2 are announced at once whatever the team's setting


@cache
def _statement(*, urgent: bool, with_actor: bool) -> str:
    """The INSERT for one shape, built once from the models' table and column names."""
    q = connection.ops.quote_name
    note, user = Notification._meta, User._meta
    members, served = Team.members.through._meta, Team.clients.through._meta
    setting, preference = TeamNotificationSetting._meta, NotificationPreference._meta

    def col(meta, name):
        return q(meta.get_field(name).column)

    roles = ", ".join(f"'{role}'" for role in sorted(STAFF_ROLES))
    wants = "email_new_urgent" if urgent else "email_new_other"
    low_priority_filter = (
        ""
        if urgent
        else f"AND (s.{col(setting, 'new_low_priority')} IS NULL "
        f"OR s.{col(setting, 'new_low_priority')} <> '{TeamNotificationSetting.LowPriority.NEVER}')"
    )
    table = q(note.db_table)
    columns = ", ".join(
        col(note, name)
        for name in ("client", "recipient", "ticket", "actor", "kind", "key", "created_at")
    )
    # The WHERE clause is also what lets SQLite tell the SELECT from the ON CONFLICT clause.
    return (
        f"INSERT INTO {table} ({columns}) "  # noqa: S608 - names from the models, values bound
        f"SELECT %s, u.{col(user, 'id')}, %s, %s, %s, %s, %s FROM {q(user.db_table)} u "
        f"WHERE u.{col(user, 'is_active')} "
        f"AND (u.{col(user, 'role')} IN ({roles}) OR u.{col(user, 'is_superuser')}) "
        + (f"AND u.{col(user, 'id')} <> %s " if with_actor else "")
        + f"AND EXISTS (SELECT 1 FROM {q(members.db_table)} m "
        f"JOIN {q(served.db_table)} c ON c.{col(served, 'team')} = m.{col(members, 'team')} "
        f"LEFT JOIN {q(setting.db_table)} s "
        f"ON s.{col(setting, 'team')} = m.{col(members, 'team')} "
        f"WHERE m.{col(members, 'user')} = u.{col(user, 'id')} "
        f"AND c.{col(served, 'client')} = %s {low_priority_filter}) "
        f"ON CONFLICT ({col(note, 'recipient')}, {col(note, 'key')}) DO NOTHING "
        f"RETURNING {col(note, 'id')}, {col(note, 'recipient')}, "
        f"(SELECT p.{col(preference, wants)} FROM {q(preference.db_table)} p "
        f"WHERE p.{col(preference, 'user')} = {table}.{col(note, 'recipient')})"
    )


def notify_new_ticket(*, actor: User | None, ticket: Ticket, now: datetime) -> list[Notification]:
    """Members of the teams serving the client; P3/P4 only to teams that want them at once.

    One statement; one more, for the people, only when someone is to be emailed.
    """
    from .services import _email  # services re-exports this function

    urgent = ticket.priority <= URGENT
    key = f"created:{ticket.pk}"
    actor_id = actor.pk if actor is not None else None
    params = [ticket.client_id, ticket.pk, actor_id, Kind.NEW_TICKET, key, now]
    if actor_id is not None:
        params.append(actor_id)
    params.append(ticket.client_id)
    with connection.cursor() as cursor:
        cursor.execute(_statement(urgent=urgent, with_actor=actor_id is not None), params)
        written = cursor.fetchall()
    # No preference row: the model's defaults decide (urgent by email, the rest in-app).
    default = NotificationPreference().wants_email(Kind.NEW_TICKET, ticket.priority)
    mailed = [pk for _id, pk, wants in written if (default if wants is None else wants)]
    if mailed:
        for person in User.objects.filter(pk__in=mailed).order_by("pk"):
            _email(person, Kind.NEW_TICKET, ticket, actor)
    return [
        Notification(
            pk=pk,
            client_id=ticket.client_id,
            recipient_id=recipient_id,
            ticket=ticket,
            actor=actor,
            kind=Kind.NEW_TICKET,
            key=key,
            created_at=now,
        )
        for pk, recipient_id, _wants in written
    ]
