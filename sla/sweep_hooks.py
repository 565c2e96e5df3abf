"""Apps above sla that need the one periodic sweep register a callable(now=...) here.

sla imports none of them (layers: clients < tickets < sla < reports); the sweep task calls
each hook after the SLA sweep, and one hook's error is logged without stopping the others.
"""

import logging
from collections.abc import Callable
from datetime import datetime

log = logging.getLogger(__name__)

SweepHook = Callable[..., object]
_HOOKS: list[SweepHook] = []


def register(hook: SweepHook) -> SweepHook:
    """Add `hook` once (AppConfig.ready may run more than once)."""
    if hook not in _HOOKS:
        _HOOKS.append(hook)
    return hook


def registered() -> list[SweepHook]:
    return list(_HOOKS)


def run_all(*, now: datetime) -> None:
    for hook in list(_HOOKS):
        try:
            hook(now=now)
        except Exception:  # one broken hook must not stop the others nor the SLA sweep
            log.exception("sweep hook %s failed", getattr(hook, "__qualname__", hook))
