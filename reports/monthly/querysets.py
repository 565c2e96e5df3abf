"""Tenant-scoped querysets of the monthly reports: a client's managers and its provider staff."""

from itsm.tenancy import TenantQuerySet


class MonthlyReportQuerySet(TenantQuerySet):
    def for_end_user(self, user):
        return self.none()

    def current(self):
        """The latest version of each report (a corrected version replaces, never deletes)."""
        return self.filter(superseded_by__isnull=True)


class ReportActionQuerySet(TenantQuerySet):
    def for_end_user(self, user):
        return self.none()
