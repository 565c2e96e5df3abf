"""Reads for the portal that are not tickets."""

from reports.notices.selectors import notice_feed_for


def notices_for(*, user, now, limit: int = 5):
    """Current notices aimed at this end user (client, site, service tier)."""
    return notice_feed_for(user=user, now=now, limit=limit)
