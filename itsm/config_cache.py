"""Per-process copies of rarely changed settings rows, dropped on every process soon after a change.

Ticket creation reads the same settings again and again (the priority matrix, service tiers,
their targets and calendars, the tier assignments of a client, the escalation rules). Each
process keeps what it loaded in memory, under a version string held in the shared cache
(Redis): saving or deleting a watched model replaces the version once the transaction commits,
and every process compares its version with the shared one at most every CHECK_SECONDS, so a
change reaches all web and Celery processes within that time (the changing process at once).

The process that makes a change drops its copies at once and, until its transaction ends,
keeps what it loads in that transaction only (the rows it sees are not committed: kept for
the process, they would outlive a rollback). Whatever a process holds is reloaded after
MAX_AGE seconds regardless (except values keyed by their row's updated_at, see cached()),
which bounds what a missed signal costs: a queryset .update() sends none, and while Redis is
unreachable each process only sees its own version.

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
_state: dict = {
    "version": None,
    "checked": float("-inf"),
    "loaded": float("-inf"),
    "entries": {},
    "lasting": {},  # kept past MAX_AGE: keys that carry the row's updated_at
}


# The version while no change was published since the key went missing (first start, cache
# cleared or evicted): the same in every process, so a cleared cache is not a change. A
# process holding a published version reloads when it finds this one instead.
INITIAL = "initial"


def _shared_version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, INITIAL, timeout=None)
        version = INITIAL
    return version


def _entries(kind: str) -> dict:
    now = time.monotonic()
    if now - _state["checked"] < CHECK_SECONDS:
        return _state[kind]
    version = _shared_version()
    with _lock:
        if version != _state["version"]:
            _state.update(version=version, loaded=now, entries={}, lasting={})
        elif now - _state["loaded"] >= MAX_AGE:
            _state.update(loaded=now, entries={})
        _state["checked"] = now
        return _state[kind]


class _Publish:
    """The after-commit step of a transaction that wrote a watched setting. It also holds what
    that transaction loaded since the write, so those copies end with the transaction: on
    commit, on rollback, or with the savepoint that made the write."""

    def __init__(self):
        self.entries: dict = {}

    def __call__(self) -> None:
        _publish()


def _pending() -> _Publish | None:
    for _savepoints, func, _robust in connection.run_on_commit:
        if isinstance(func, _Publish):
            return func
    return None


def cached(key: tuple, load: Callable[[], T], *, lasting: bool = False) -> T:
    """The value stored under `key` in this process, loaded by `load()` when absent or stale.

    `lasting`: the key names the row's version itself (e.g. its updated_at), so the value is
    not reloaded after MAX_AGE, only when the shared version changes (pages that read it keep
    a constant query count however long a process runs).
    """
    pending = _pending() if connection.in_atomic_block else None
    entries = pending.entries if pending else _entries("lasting" if lasting else "entries")
    try:
        return entries[key]
    except KeyError:
        value = entries[key] = load()
        return value


def forget_local() -> None:
    """Drop this process's copies; the next lookup reads the shared version again."""
    with _lock:
        _state.update(version=None, checked=float("-inf"), entries={}, lasting={})


def _publish() -> None:
    cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)
    forget_local()


def config_changed() -> None:
    """A watched setting was written: this process forgets now, every process after commit
    (one publication per transaction however many rows it writes)."""
    forget_local()
    pending = _pending() if connection.in_atomic_block else None
    if pending is not None:
        pending.entries.clear()
    else:
        transaction.on_commit(_Publish())


def _on_write(sender, **kwargs) -> None:
    config_changed()


def watch(*models) -> None:
    """Saving or deleting any of `models` (admin, services, cascades) invalidates every copy."""
    for model in models:
        label = model._meta.label_lower
        post_save.connect(_on_write, sender=model, dispatch_uid=f"config_cache.save.{label}")
        post_delete.connect(_on_write, sender=model, dispatch_uid=f"config_cache.delete.{label}")
