from functools import cache

from .selectors import unread_count_for


def bell(request):
    """The unread count for the top bar, computed only if a page shows it (staff pages)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not user.is_provider_staff:
        return {}

    @cache
    def unread() -> int:
        return unread_count_for(user=user)

    return {"unread_notifications": unread}
