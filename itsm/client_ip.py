"""The client's address: REMOTE_ADDR, or X-Forwarded-For as written by our own proxies.

Each proxy appends the address it received the request from to X-Forwarded-For, so with
TRUSTED_PROXY_COUNT proxies in front of gunicorn the client is the entry that many places from
the end; anything before it was written by the client and may be forged. With no proxy
trusted (the default) the header is ignored. The audit log, allauth's lock-out and the API
throttles all read the address here.
"""

import ipaddress

from django.conf import settings


def _address(raw: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address((raw or "").strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    remote = _address(request.META.get("REMOTE_ADDR"))
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [hop for hop in forwarded if hop]
    if len(forwarded) < count:
        # Fewer hops than proxies: the request bypassed them, and the header (if any) is the
        # client's own; the peer's address is the only one we know to be true.
        return remote
    # A malformed entry where our proxy wrote one means the chain is not what we were told.
    return _address(forwarded[-count]) or remote
