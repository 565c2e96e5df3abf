"""Complaint deadlines in business time on the client's calendar, and the next escalation instant.

The calendar is the client's own complaint setting if any, else the one its service tier (or the
default tier) counts on; targets are per severity, per client, with defaults.
"""

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _

from itsm.exceptions import ApplicationError
from sla.calendar import CalendarError, CalendarSpec, business_deadline
from sla.models import BusinessCalendar, ServiceTier, TierAssignment, calendar_error_text

from .models import DEFAULT_LEVEL_STEP, DEFAULT_TARGETS, Complaint, ComplaintSettings, Severity

# With no calendar at all (an installation whose built-in calendars were removed) time runs 24x7.
ALWAYS = CalendarSpec(tz="UTC", week=(((0, 1440),),) * 7)


@dataclass(frozen=True, slots=True)
class Rules:
    """What one client's complaints are held to."""

    calendar: BusinessCalendar | None
    targets: dict[str, tuple[int, int]]
    level_step: int
    hold_to_working_hours: bool
    account_director_id: int | None

    @property
    def spec(self) -> CalendarSpec:
        return self.calendar.spec() if self.calendar is not None else ALWAYS


def tier_calendar(client_id: int) -> BusinessCalendar | None:
    assignment = (
        TierAssignment.objects.filter(client_id=client_id, site__isnull=True, user__isnull=True)
        .select_related("tier__calendar")
        .first()
    )
    if assignment is not None:
        return assignment.tier.calendar
    tier = ServiceTier.objects.filter(is_default=True).select_related("calendar").first()
    return tier.calendar if tier is not None else None


def rules_for(client_id: int) -> Rules:
    row = ComplaintSettings.objects.filter(client_id=client_id).select_related("calendar").first()
    if row is None:
        return Rules(
            tier_calendar(client_id), dict(DEFAULT_TARGETS), DEFAULT_LEVEL_STEP, True, None
        )
    return Rules(
        calendar=row.calendar or tier_calendar(client_id),
        targets={severity: row.targets(severity) for severity in Severity.values},
        level_step=row.level_step_minutes,
        hold_to_working_hours=row.hold_to_working_hours,
        account_director_id=row.account_director_id,
    )


def due_instants(rules: Rules, severity: str, start: datetime) -> tuple[datetime, datetime]:
    """(acknowledge by, resolve by) counted from `start`."""
    ack, resolve = rules.targets[severity]
    return _deadline(rules, start, ack), _deadline(rules, start, resolve)


def resolve_due_from(rules: Rules, severity: str, start: datetime) -> datetime:
    """A rejected resolution gives the provider a fresh resolution target from the rejection."""
    return _deadline(rules, start, rules.targets[severity][1])


def _deadline(rules: Rules, start: datetime, minutes: int) -> datetime:
    try:
        return business_deadline(rules.spec, start, minutes)
    except CalendarError as exc:  # a calendar without working time: say so, never a 500
        raise ApplicationError(
            _("The complaint deadlines cannot be computed: %(error)s.")
            % {"error": calendar_error_text(exc)},
            {"code": "calendar"},
        ) from exc


def next_level_at(complaint: Complaint, rules: Rules) -> datetime | None:
    """When the next escalation level fires, or None (deadline met, resolved, or level 3 done).

    Level 1 fires when the running deadline passes; while it stays missed each further level
    fires `level_step` business minutes after the previous one. A deadline met pauses the climb
    until the next deadline passes; levels already fired never fire again.
    """
    due = complaint.pending_due_at
    if due is None or complaint.escalation_level >= 3:
        return None
    if complaint.escalation_level == 0 or complaint.last_escalated_at is None:
        return due
    return max(due, business_deadline(rules.spec, complaint.last_escalated_at, rules.level_step))
