"""The staff's drop-down lists, cached per agent: the queue's (clients, sites, agents, teams,
categories) and the workspace's for one client (agents, teams, categories, reply templates).

They were five of the queue's ten queries and four of the workspace's on every request, and
change a few times a day. Each agent's lists sit in the shared cache under a key holding the
agent's id and the language (so one agent never reads another's, and a category shows in the
agent's language), for at most TTL seconds, together with the "generation" they were built
in. Saving or deleting a client, site, person, team, agreement, category or reply template,
or changing team members/clients or an agreement's categories, starts a new generation: every
list built before is rebuilt on its next read. The TTL bounds staleness where no signal fires
(a queryset .update(), a Redis outage during which each process counts in its own memory).
"""

import uuid
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.utils.translation import get_language

from clients.models import Client, ServiceAgreement, ServiceCategory, Site, Team, User

from . import selectors
from .models import ReplyTemplate

TTL = 60
GENERATION_KEY = "queue-lists:generation"
# Bump when the shape of QueueLists changes, so a deploy never unpickles an old one.
VERSION = 2


@dataclass(frozen=True)
class QueueLists:
    clients: tuple  # (id, code, name)
    sites: tuple  # (id, "code · name")
    agents: tuple  # (id, display name)
    teams: tuple  # (id, name)
    categories: tuple  # (id, name in the current language)


@dataclass(frozen=True)
class ClientLists:
    """What the workspace's action panel offers for a ticket of one client."""

    agents: tuple  # (id, display name)
    teams: tuple  # (id, name)
    categories: tuple  # (id, name in the current language)
    replies: tuple  # (title, team name, text with its placeholders), the user's reply templates


def user_key(user, scope: str = "queue") -> str:
    return f"queue-lists:v{VERSION}:{user.pk}:{scope}:{get_language() or ''}"


def build(user) -> QueueLists:
    """The five lists from the database (five queries)."""
    clients = tuple((c.pk, c.code, c.name) for c in selectors.clients_for(user=user))
    return QueueLists(
        clients=clients,
        sites=tuple((s.pk, f"{s.client.code} · {s.name}") for s in selectors.sites_for(user=user)),
        agents=tuple((a.pk, a.display_name) for a in selectors.assignable_agents_for(user=user)),
        teams=tuple((t.pk, t.name) for t in selectors.teams_for(user=user).only("name")),
        categories=tuple(
            (c.pk, c.name)
            for c in selectors.categories_for_clients(client_ids=[c[0] for c in clients])
        ),
    )


def build_for_client(user, client_id: int) -> ClientLists:
    """The workspace's four lists from the database (four queries)."""
    agents = selectors.assignable_agents_for(user=user, client_id=client_id)
    return ClientLists(
        agents=tuple((a.pk, a.display_name) for a in agents),
        teams=tuple((t.pk, t.name) for t in selectors.teams_for(user=user, client_id=client_id)),
        categories=tuple(
            (c.pk, c.name) for c in selectors.categories_covered_for(client_id=client_id)
        ),
        replies=tuple(
            (row.title, row.team.name, row.body)
            for row in selectors.reply_templates_of(user=user, client_id=client_id)
        ),
    )


def lists_for(user) -> QueueLists:
    """The user's queue lists: one cache round trip when fresh, five queries when not."""
    return cached(user_key(user), lambda: build(user))


def client_lists_for(user, client_id: int) -> ClientLists:
    """The workspace's lists for a ticket of `client_id`, as `user` may assign it."""
    return cached(user_key(user, f"client-{client_id}"), lambda: build_for_client(user, client_id))


def cached(key: str, make):
    found = cache.get_many([GENERATION_KEY, key])
    generation = found.get(GENERATION_KEY)
    if generation is None:
        generation = new_generation()
    entry = found.get(key)
    if entry is not None and entry[0] == generation:
        return entry[1]
    lists = make()
    cache.set(key, (generation, lists), TTL)
    return lists


def new_generation() -> str:
    generation = uuid.uuid4().hex
    cache.set(GENERATION_KEY, generation, None)
    return generation


def invalidate(**kwargs) -> None:
    """Start a new generation now (this transaction's own reads see the change) and again after
    commit (a list rebuilt meanwhile by another request read the old rows)."""
    if kwargs.get("signal") is post_save and kwargs.get("update_fields") == frozenset(
        {"last_login"}
    ):
        return  # a sign-in changes nothing a list shows
    new_generation()
    transaction.on_commit(new_generation, using=kwargs.get("using"))


def connect() -> None:
    for model in (Client, Site, User, Team, ServiceAgreement, ServiceCategory, ReplyTemplate):
        post_save.connect(invalidate, sender=model, dispatch_uid=f"queue-lists-save-{model}")
        post_delete.connect(invalidate, sender=model, dispatch_uid=f"queue-lists-del-{model}")
    for through in (
        Team.members.through,
        Team.clients.through,
        ServiceAgreement.categories.through,
    ):
        m2m_changed.connect(invalidate, sender=through, dispatch_uid=f"queue-lists-m2m-{through}")


def names_for(rows, field: str, known: dict, label) -> None:
    """Set `row.<field>_name` from `known` ({id: name}); ids not in it (an admin assigned, an
    agent who left the client's teams) cost one query together, whatever the page size."""
    model = selectors.Ticket._meta.get_field(field).related_model
    missing = {getattr(row, f"{field}_id") for row in rows} - set(known) - {None}
    if missing:
        known = {
            **known,
            **{pk: label(obj) for pk, obj in model._default_manager.in_bulk(missing).items()},
        }
    for row in rows:
        related_id = getattr(row, f"{field}_id")
        setattr(row, f"{field}_name", known[related_id] if related_id is not None else "")
