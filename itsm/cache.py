"""The Redis cache, degrading to a per-process memory cache while Redis is unreachable.

The cache holds only short-lived counters (allauth's sign-in lock-out, the API throttles,
used TOTP codes). Losing Redis must not turn every sign-in into a 500: while it is down each
process counts in its own memory - the limits still hold per process - and Redis is tried
again after RETRY_SECONDS, so an outage costs one connection attempt per process per interval
instead of one per cache call.
"""

import logging
import threading
import time

from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)

RETRY_SECONDS = 30
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, OSError)

# Shared by the per-thread cache objects Django creates, so one failure covers all threads.
_state = {"down_until": 0.0}
_state_lock = threading.Lock()


def _passthrough(name):
    def method(self, *args, **kwargs):
        if time.monotonic() >= _state["down_until"]:
            try:
                return getattr(super(FallbackRedisCache, self), name)(*args, **kwargs)
            except UNREACHABLE as exc:
                with _state_lock:
                    _state["down_until"] = time.monotonic() + RETRY_SECONDS
                log.warning(
                    "Redis cache unreachable (%s); using per-process memory for %s s",
                    exc,
                    RETRY_SECONDS,
                )
        return getattr(self._fallback, name)(*args, **kwargs)

    method.__name__ = name
    return method


class FallbackRedisCache(RedisCache):
    def __init__(self, server, params):
        params = {**params, "OPTIONS": {**DEFAULT_OPTIONS, **params.get("OPTIONS", {})}}
        super().__init__(server, params)
        timeout = {"TIMEOUT": params["TIMEOUT"]} if "TIMEOUT" in params else {}
        self._fallback = LocMemCache("itsm-redis-fallback", timeout)

    for _name in (
        "add",
        "get",
        "set",
        "touch",
        "delete",
        "get_many",
        "has_key",
        "incr",
        "set_many",
        "delete_many",
        "clear",
    ):
        locals()[_name] = _passthrough(_name)
    del _name


# A server that does not answer must not hold a request for long.
DEFAULT_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 1}


def reset() -> None:
    """Forget an outage (tests; a process that knows Redis is back)."""
    with _state_lock:
        _state["down_until"] = 0.0
