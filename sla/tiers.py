"""Which tier and which targets apply to a ticket."""

from django.db.models import Q
from django.utils.translation import gettext as _

from itsm.exceptions import ApplicationError
from tickets.models import Ticket

from .models import ServiceTier, TierAssignment, TierTarget


def most_specific(assignments, *, user_id, site_id):
    """The assignment that applies to a person: their own > their site's > the client's."""
    by_scope = {}
    for a in assignments:
        if a.user_id:
            if a.user_id == user_id:
                by_scope["user"] = a
        elif a.site_id:
            if a.site_id == site_id:
                by_scope["site"] = a
        else:
            by_scope["client"] = a
    return by_scope.get("user") or by_scope.get("site") or by_scope.get("client")


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
    found = most_specific(assignments, user_id=ticket.requester_id, site_id=ticket.site_id)
    if found is not None:
        return found.tier
    return ServiceTier.objects.filter(is_default=True).select_related("calendar").first()


def tier_ids_of_people(*, client_id: int, people) -> dict[int, int | None]:
    """Which tier serves each person of one client, by the same rule as tier_for.

    Two queries for any number of people (a notice aimed at a tier asks this of a whole client).
    """
    assignments = list(
        TierAssignment.objects.filter(client_id=client_id).only("user_id", "site_id", "tier_id")
    )
    default_id = ServiceTier.objects.filter(is_default=True).values_list("pk", flat=True).first()
    result = {}
    for person in people:
        found = most_specific(assignments, user_id=person.pk, site_id=person.site_id)
        result[person.pk] = found.tier_id if found is not None else default_id
    return result


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
