"""Template context for admins on every page: calendars missing official holidays."""

from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from .official import official_days_missing


def now():
    return timezone.now()  # tests pin the clock here


def official_days_warning(request) -> dict:
    user = getattr(request, "user", None)
    if not (user and user.is_authenticated and getattr(user, "is_admin_role", False)):
        return {}
    # Lazy: the one query runs only on pages that show the warning.
    return {"official_days_missing": SimpleLazyObject(lambda: official_days_missing(now=now()))}
