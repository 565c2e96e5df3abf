"""Tenant-scoped querysets of complaints: end users see their own, client-side people no notes."""

from django.db.models import Q

from itsm.tenancy import TenantQuerySet, is_provider_staff

OPEN_STATUSES = ("open", "acknowledged", "investigating", "resolved", "reopened")


def own_complaints(user, prefix: str = "") -> Q:
    """Raised by the end user, or naming them among the people concerned."""
    return Q(**{f"{prefix}raised_by_id": user.pk}) | Q(**{f"{prefix}people": user.pk})


class ComplaintQuerySet(TenantQuerySet):
    def for_end_user(self, user):
        # The people join can repeat a row; the id subquery keeps one row per complaint.
        return self.filter(pk__in=self.model.objects.filter(own_complaints(user)).values("pk"))

    def open(self):
        return self.filter(status__in=OPEN_STATUSES)

    def due_for_check(self, now):
        # Served by the partial index on next_check_at: the sweep's cost follows due rows only.
        return self.filter(next_check_at__lte=now)


class ComplaintChildQuerySet(TenantQuerySet):
    """Timeline entries and escalation firings: visible with their complaint."""

    def for_end_user(self, user):
        from .models import Complaint

        return self.filter(complaint__in=Complaint.objects.visible_to(user).values("pk"))

    def visible_to(self, user):
        rows = super().visible_to(user)
        if user is not None and user.is_authenticated and not is_provider_staff(user):
            rows = rows.filter(is_internal=False)
        return rows


class ComplaintSettingsQuerySet(TenantQuerySet):
    def for_end_user(self, user):
        return self.none()
