"""Reading the audit log: who may see which events, and the list filters."""

from dataclasses import dataclass
from datetime import date, datetime, time

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from itsm.params import clean_text, parse_choice
from itsm.tenancy import Role, sees_everything

from .models import AuditEvent


def may_read_audit(user) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and (sees_everything(user) or user.role == Role.CLIENT_MANAGER)
    )


@dataclass
class AuditFilters:
    action: str | None = None
    actor: str = ""
    since: date | None = None
    until: date | None = None

    @classmethod
    def from_query(cls, params) -> "AuditFilters":
        return cls(
            action=parse_choice(params.get("action"), AuditEvent.Action.values),
            actor=clean_text(params.get("actor"), 150),
            since=_date(params.get("since")),
            until=_date(params.get("until")),
        )

    def as_changes(self) -> dict:
        """The filters as recorded on the export's own audit row (cleaned, so storable)."""
        given = {
            "action": self.action,
            "actor": self.actor,
            "since": self.since and self.since.isoformat(),
            "until": self.until and self.until.isoformat(),
        }
        return {key: value for key, value in given.items() if value}


# Far dates are clamped: year 1 or 9999 would overflow when shifted to UTC.
_EARLIEST, _LATEST = date(1900, 1, 1), date(9000, 12, 31)


def _date(raw) -> date | None:
    try:
        day = parse_date(clean_text(raw, 10))
    except ValueError:  # well-formed but impossible, e.g. 2026-02-31
        return None
    return None if day is None else min(max(day, _EARLIEST), _LATEST)


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def audit_events_for(*, user, filters: AuditFilters):
    """Events `user` may read, newest first, narrowed by `filters`; PermissionDenied for
    people who may not read the log at all."""
    if not may_read_audit(user):
        raise PermissionDenied(_("Only administrators and client managers may read the audit log."))
    rows = AuditEvent.objects.visible_to(user).select_related("subject_user")
    if filters.action:
        rows = rows.filter(action=filters.action)
    if filters.actor:
        rows = rows.filter(actor_label__icontains=filters.actor)
    if filters.since:
        rows = rows.filter(at__gte=_start_of(filters.since))
    if filters.until:
        rows = rows.filter(at__lte=timezone.make_aware(datetime.combine(filters.until, time.max)))
    return rows
