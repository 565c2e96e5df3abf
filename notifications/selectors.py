"""Reads, all through visible_to: one's own notifications of clients one may still see."""

from django.http import Http404

from clients.models import User

from .models import Notification

# The bell shows "99+" beyond this: counting stops there, so its cost is bounded.
BELL_CAP = 100


def notification_list_for(*, user: User, unread_only: bool = False):
    rows = Notification.objects.visible_to(user)
    if unread_only:
        rows = rows.unread()
    return rows.select_related("ticket", "actor").order_by("-id")


def notification_get_for(*, user: User, notification_id: int) -> Notification:
    try:
        return Notification.objects.visible_to(user).get(pk=notification_id)
    except Notification.DoesNotExist:
        raise Http404 from None


def unread_count_for(*, user: User) -> int:
    """The bell: one query over the partial index of unread rows, counting at most BELL_CAP
    (their ids, counted here: Django's COUNT over a LIMIT costs more to build than to run)."""
    return len(
        Notification.objects.visible_to(user).unread().values_list("pk", flat=True)[:BELL_CAP]
    )
