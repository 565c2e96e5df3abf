"""Which tier and which targets apply to a ticket."""

from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext as _

from itsm.config_cache import cached
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


@dataclass(frozen=True)
class Tiers:
    """Every tier (with its calendar) and every target, as one process holds them."""

    by_id: dict[int, ServiceTier]
    default: ServiceTier | None
    targets: dict[tuple[int, int], TierTarget] = field(default_factory=dict)


@dataclass(frozen=True)
class ClientTiers:
    """The tier assignments of one client: per person, per site, client-wide."""

    by_user: dict[int, int]
    by_site: dict[int, int]
    client_wide: int | None


def _load_tiers() -> Tiers:
    tiers = {tier.pk: tier for tier in ServiceTier.objects.select_related("calendar")}
    targets = {(t.tier_id, t.priority): t for t in TierTarget.objects.all()}
    default = next((tier for tier in tiers.values() if tier.is_default), None)
    return Tiers(by_id=tiers, default=default, targets=targets)


def _load_client_tiers(client_id: int) -> ClientTiers:
    by_user, by_site, client_wide = {}, {}, None
    rows = TierAssignment.objects.filter(client_id=client_id)
    for user_id, site_id, tier_id in rows.values_list("user_id", "site_id", "tier_id"):
        if user_id:
            by_user[user_id] = tier_id
        elif site_id:
            by_site[site_id] = tier_id
        else:
            client_wide = tier_id
    return ClientTiers(by_user=by_user, by_site=by_site, client_wide=client_wide)


def tiers_cached() -> Tiers:
    return cached(("sla.tiers",), _load_tiers)


def tier_for_new_ticket(*, ticket: Ticket) -> ServiceTier | None:
    """tier_for from this process's copies (itsm.config_cache): no query once warm.

    For starting clocks, where a change made a second ago may still be missed. Re-targeting
    after a change reads the database (tier_for), so it always applies what was just saved.
    """
    mine = cached(
        ("sla.client-tiers", ticket.client_id), lambda: _load_client_tiers(ticket.client_id)
    )
    tier_id = (
        mine.by_user.get(ticket.requester_id)
        or mine.by_site.get(ticket.site_id)
        or mine.client_wide
    )
    tiers = tiers_cached()
    if tier_id is None:
        return tiers.default
    # An assignment newer than this process's tiers: read the tier rather than guess.
    return tiers.by_id.get(tier_id) or ServiceTier.objects.select_related("calendar").get(
        pk=tier_id
    )


def tier_target_cached(*, tier: ServiceTier, priority: int) -> TierTarget:
    """tier_target from this process's copies; falls back to the database for an unknown tier."""
    target = tiers_cached().targets.get((tier.pk, priority))
    return target if target is not None else tier_target(tier=tier, priority=priority)


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
