"""Tenant-scoped querysets of the reports app."""

from django.db.models import Q
from django.utils import timezone

from itsm.tenancy import TenantQuerySet


class NoticeQuerySet(TenantQuerySet):
    def for_end_user(self, user):
        return self.filter(Q(site__isnull=True) | Q(site_id=user.site_id))

    def current(self, now=None):
        now = now or timezone.now()
        return self.filter(published_at__lte=now).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=now)
        )
