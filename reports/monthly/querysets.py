"""Tenant-scoped querysets of the monthly reports: a client's managers and its provider staff."""

from itsm.tenancy import TenantQuerySet


class MonthlyReportQuerySet(TenantQuerySet):
    def for_end_user(self, user):
        return self.none()


class ReportActionQuerySet(TenantQuerySet):
    def for_end_user(self, user):
        return self.none()
