"""Per-process copies of rarely changed settings rows, dropped on every process soon after a change.

Ticket creation reads the same settings again and again (the priority matrix, service tiers,
their targets and calendars, the tier assignments of a client, the escalation rules). Each
process keeps what it loaded in memory, under a version string held in the shared cache
(Redis): saving or deleting a watched model replaces the version once the transaction commits,
and every process compares its version with the shared one at most every CHECK_SECONDS, so a
change reaches all web and Celery processes within that time (the changing process at once).

The process that makes a change drops its copies at once and, until its transaction ends,
keeps what it loads in that transaction only (the rows it sees are not committed: kept for
the process, they would outlive a rollback).
Whatever a process holds is reloaded after MAX_AGE seconds regardless, which bounds what a
missed signal costs (a queryset .update() sends none; while Redis is unreachable each process
only sees its own version).

Keys are tuples chosen by the caller; anything tenant-specific must carry the client id in its
key. Values are shared by every request of the process: callers treat them as read-only.
"""

import threading
import time
import uuid
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save

T = TypeVar("T")

VERSION_KEY = "itsm:config-version"
CHECK_SECONDS = 1.0
MAX_AGE = 10.0

_lock = threading.Lock()
_state: dict = {"version": None, "checked": float("-inf"), "loaded": float("-inf"), "entries": {}}


def _shared_version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, timeout=None)
        version = cache.get(VERSION_KEY) or ""
    return version


def _entries() -> dict:
    now = time.monotonic()
    if now - _state["checked"] < CHECK_SECONDS:
        return _state["entries"]
    version = _shared_version()
    with _lock:
        if version != _state["version"] or now - _state["loaded"] >= MAX_AGE:
            _state.update(version=version, loaded=now, entries={})
        _state["checked"] = now
        return _state["entries"]


# On the outermost atomic block of a transaction that wrote a watched setting: the entries
# loaded since, which end with the transaction.
CHANGED = "_config_entries"


def cached(key: tuple, load: Callable[[], T]) -> T:
    """The value stored under `key` in this process, loaded by `load()` when absent or stale."""
    blocks = connection.atomic_blocks
    entries = getattr(blocks[0], CHANGED, None) if blocks else None
    if entries is None:
        entries = _entries()
    try:
        return entries[key]
    except KeyError:
        value = entries[key] = load()
        return value


def forget_local() -> None:
    """Drop this process's copies; the next lookup reads the shared version again."""
    with _lock:
        _state.update(version=None, checked=float("-inf"), entries={})


def _publish() -> None:
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)
    forget_local()


def config_changed() -> None:
    """A watched setting was written: this process forgets now, every process after commit."""
    forget_local()
    if connection.atomic_blocks:
        setattr(connection.atomic_blocks[0], CHANGED, {})
    transaction.on_commit(_publish)


def _on_write(sender, **kwargs) -> None:
    config_changed()


def watch(*models) -> None:
    """Saving or deleting any of `models` (admin, services, cascades) invalidates every copy."""
    for model in models:
        label = model._meta.label_lower
        post_save.connect(_on_write, sender=model, dispatch_uid=f"config_cache.save.{label}")
        post_delete.connect(_on_write, sender=model, dispatch_uid=f"config_cache.delete.{label}")
