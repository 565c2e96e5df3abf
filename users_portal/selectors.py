"""Reads for the portal that are not tickets."""

from reports.models import Notice


def notices_for(*, user, limit: int = 5):
    """Current notices addressed to this user's client and site."""
    return Notice.objects.visible_to(user).current()[:limit]
