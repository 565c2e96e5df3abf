"""Tenant-scoped querysets of the dashboards app."""

from itsm.tenancy import TenantQuerySet


class DashboardRowQuerySet(TenantQuerySet):
    """Roll-ups and breach entries: a client's managers and its provider staff, not end users."""

    def for_end_user(self, user):
        return self.none()
