"""Which tier and which targets apply to a ticket."""

from django.db.models import Q
from django.utils.translation import gettext as _

from itsm.exceptions import ApplicationError
from tickets.models import Ticket

from .models import ServiceTier, TierAssignment, TierTarget


def tier_for(*, ticket: Ticket) -> ServiceTier | None:
    """The most specific assignment wins: requester > site > client > the default tier.

    None only when no assignment applies and no default tier exists (an installation whose
    built-in data was removed): the ticket then simply runs without SLA clocks.
    """
    assignments = (
        TierAssignment.objects.filter(client_id=ticket.client_id)
        .filter(
            Q(user_id=ticket.requester_id)
            | Q(site_id=ticket.site_id)
            | Q(site__isnull=True, user__isnull=True)
        )
        .select_related("tier__calendar")
    )
    by_scope = {
        ("user" if a.user_id else "site" if a.site_id else "client"): a for a in assignments
    }
    for scope in ("user", "site", "client"):
        if scope in by_scope:
            return by_scope[scope].tier
    return ServiceTier.objects.filter(is_default=True).select_related("calendar").first()


def tier_target(*, tier: ServiceTier, priority: int) -> TierTarget:
    """The tier's targets for `priority`; an incomplete tier is refused, never guessed around."""
    target = TierTarget.objects.filter(tier=tier, priority=priority).first()
    if target is None:
        raise ApplicationError(
            _(
                "Service tier “%(tier)s” has no targets for P%(priority)s. Every tier needs "
                "response and resolution targets for P1-P4: complete it in the admin."
            )
            % {"tier": tier.name, "priority": priority},
            {"code": "tier_incomplete"},
        )
    return target
