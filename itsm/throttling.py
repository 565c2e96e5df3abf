"""API throttles keyed by the client address of itsm/client_ip.py.

DRF's own key (NUM_PROXIES unset) is the X-Forwarded-For header as the client sent it, so a
script could escape the sign-in throttle by writing a new address into it on every call.
"""

from rest_framework import throttling

from .client_ip import client_ip


class ScopedRateThrottle(throttling.ScopedRateThrottle):
    def get_ident(self, request):
        return client_ip(request) or ""
