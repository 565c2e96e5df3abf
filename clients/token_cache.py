"""Per-process copies of recently authenticated API tokens, kept for SECONDS.

A script calling the API several times a second would otherwise read its token, person, client
and site on every call (one joined query: about 1 ms of CPU in the process and a round trip to
the database). Each process keeps what a successful authentication loaded, keyed by the token's
hash, so a token only ever yields its own person; every request gets its own copies of the
token, person, client and site, so nothing one request sets on them reaches another.

How soon a change counts:
- in the process that makes it, at once and again when its transaction commits: saving or
  deleting a token, person, client or site, and revoking tokens in bulk, drop every copy;
- in every other process (web workers do not share memory) within SECONDS, when its copy
  expires. A revoked token, a deactivated person or a suspended client is refused from then on.
The checks themselves (revoked, inactive, blocked, two-factor) run on every request.
"""

import copy
import threading
import time

from django.db import transaction
from django.db.models.signals import post_delete, post_save

SECONDS = 2.0
MAX_ENTRIES = 1000

_lock = threading.Lock()
_entries: dict[str, tuple[float, object]] = {}  # key hash -> (loaded at, ApiToken)
# Bumped by every forget: a token read before a change (by another thread of this process) is
# not kept after it.
_generation = [0]


def _private_copy(token):
    """The token with its own copies of its person and the person's client and site."""
    user = copy.copy(token.user)  # Django copies the instance's cache of related rows too
    for name in ("client", "site"):
        field = type(user)._meta.get_field(name)
        if field.is_cached(user):
            related = field.get_cached_value(user)
            field.set_cached_value(user, copy.copy(related) if related is not None else None)
    token = copy.copy(token)
    type(token)._meta.get_field("user").set_cached_value(token, user)
    return token


def token_get(key_hash: str):
    """A private copy of the token loaded under `key_hash` less than SECONDS ago, or None."""
    entry = _entries.get(key_hash)
    if entry is None:
        return None
    loaded_at, token = entry
    if time.monotonic() - loaded_at >= SECONDS:
        with _lock:
            if _entries.get(key_hash) is entry:
                del _entries[key_hash]
        return None
    return _private_copy(token)


def generation() -> int:
    """Take before reading a token; token_put() keeps it only if nothing changed since."""
    return _generation[0]


def token_put(key_hash: str, token, read_in: int) -> None:
    """Keep `token` (with its person, client and site joined) for SECONDS, unless a change
    was seen since generation `read_in`."""
    with _lock:
        if _generation[0] != read_in:
            return
        if len(_entries) >= MAX_ENTRIES:
            now = time.monotonic()
            for stale in [k for k, (at, _t) in _entries.items() if now - at >= SECONDS]:
                del _entries[stale]
            if len(_entries) >= MAX_ENTRIES:
                _entries.pop(next(iter(_entries)))  # the oldest still fresh
        _entries[key_hash] = (time.monotonic(), _private_copy(token))


def token_used(key_hash: str, at) -> None:
    """The kept copy's last use, so the next request does not write it again."""
    entry = _entries.get(key_hash)
    if entry is not None:
        entry[1].last_used_at = at


def forget_all(**_kwargs) -> None:
    with _lock:
        _generation[0] += 1
        _entries.clear()


def _on_change(**_kwargs) -> None:
    # Now, and once more after commit: a request of this process that read the old rows in the
    # meantime must not keep them.
    forget_all()
    transaction.on_commit(forget_all)


def watch() -> None:
    """Drop this process's copies when a token, person, client or site changes here."""
    from .hooks import api_token_revoked, api_tokens_revoked_all
    from .models import ApiToken, Client, Site, User

    for model in (ApiToken, User, Client, Site):
        label = model._meta.label_lower
        post_save.connect(_on_change, sender=model, dispatch_uid=f"token_cache.save.{label}")
        post_delete.connect(_on_change, sender=model, dispatch_uid=f"token_cache.delete.{label}")
    api_token_revoked.connect(_on_change, dispatch_uid="token_cache.revoked")
    api_tokens_revoked_all.connect(_on_change, dispatch_uid="token_cache.revoked_all")
