"""Tenant-scoped querysets of the SLA app."""

from itsm.tenancy import TenantQuerySet
from tickets.querysets import TicketRowQuerySet


class SlaClockQuerySet(TicketRowQuerySet):
    """Clocks are visible with their ticket (client managers and requesters see them too)."""

    def due_for_check(self, now):
        # Served by the partial index on next_check_at: cost grows with due clocks only.
        return self.filter(next_check_at__lte=now)


class ProviderRowQuerySet(TenantQuerySet):
    """Configuration and bookkeeping rows of a client: client managers may read, end users not."""

    def for_end_user(self, user):
        return self.none()
