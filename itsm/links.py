"""The one source of absolute links (emails, API answers sent elsewhere): settings.SITE_URL.

A request's own host is not used: emails are rendered by tasks and sweeps with no request, and
every link a person receives must point at the same address whichever door wrote it.
"""

from django.conf import settings
from django.urls import reverse


def absolute_url(path: str) -> str:
    """`path` ("/tickets/5/") as an absolute link under SITE_URL."""
    return settings.SITE_URL + path


def absolute_reverse(name: str, *, args=None) -> str:
    return absolute_url(reverse(name, args=args))
