"""Which tier applies (person > site > client > default) and how tiers are kept complete."""

import pytest
from django.core.exceptions import ValidationError

from itsm.exceptions import ApplicationError
from sla.models import ServiceTier, TierAssignment, TierTarget
from tests import factories as f
from tests.factories import make_ticket

from .conftest import FOR_PRIORITY, assign, clocks_of, cst, make_tier

pytestmark = pytest.mark.django_db


def tier_of(ticket) -> str:
    return clocks_of(ticket)["response"].tier_name


def test_person_beats_site_beats_client_beats_default(client_a, site_a, site_a2, client_b, user_b1):
    gold, silver, bronze = make_tier("Gold"), make_tier("Silver"), make_tier("Bronze")
    vip = f.make_user(client=client_a, site=site_a, username="vip")
    colleague = f.make_user(client=client_a, site=site_a, username="colleague")
    elsewhere = f.make_user(client=client_a, site=site_a2, username="elsewhere")
    assign(bronze, client=client_a)
    assign(silver, client=client_a, site=site_a)
    assign(gold, client=client_a, user=vip)
    now = cst(3, 2, 9)
    assert tier_of(make_ticket(requester=vip, now=now)) == "Gold"
    assert tier_of(make_ticket(requester=colleague, now=now)) == "Silver"
    assert tier_of(make_ticket(requester=elsewhere, now=now)) == "Bronze"
    assert tier_of(make_ticket(requester=user_b1, now=now)) == "Standard / 标准"


def test_tier_targets_and_calendar_are_copied_onto_the_clock(client_a, user_a1):
    always = make_tier("Always", calendar="24x7", targets={p: (5, 50) for p in (1, 2, 3, 4)})
    assign(always, client=client_a)
    ticket = make_ticket(requester=user_a1, now=cst(3, 1, 23), **FOR_PRIORITY[2])  # a Sunday
    resolution = clocks_of(ticket)["resolution"]
    assert (resolution.calendar.code, resolution.target_minutes) == ("24x7", 50)
    assert resolution.due_at == cst(3, 1, 23, 50)
    assert (resolution.warn_at, resolution.warning_percent) == (cst(3, 1, 23, 37, 30), 75)


def test_a_tier_missing_a_priority_is_refused_with_a_clear_message(client_a, user_a1):
    partial = make_tier("Partial", targets={1: (10, 60), 2: (20, 120), 3: (30, 180)})
    with pytest.raises(ValidationError, match="“Partial” has no targets for P4; complete it"):
        assign(partial, client=client_a)
    TierAssignment.objects.create(client=client_a, tier=partial)  # bypassing validation
    with pytest.raises(ApplicationError, match="“Partial” has no targets for P4"):
        make_ticket(requester=user_a1, now=cst(3, 2, 9), **FOR_PRIORITY[4])


def test_only_one_client_wide_assignment_per_client(client_a):
    assign(make_tier("One"), client=client_a)
    with pytest.raises(ValidationError, match="already has a client-wide tier"):
        assign(make_tier("Two"), client=client_a)


def test_assignment_cannot_target_a_site_and_a_person_at_once(client_a, site_a, user_a1):
    with pytest.raises(ValidationError, match="not both"):
        assign(make_tier("Both"), client=client_a, site=site_a, user=user_a1)


def test_assignment_site_must_belong_to_the_client(client_a, site_b):
    with pytest.raises(ValidationError, match="another client"):
        assign(make_tier("Mixed"), client=client_a, site=site_b)


def test_target_response_cannot_exceed_resolution():
    tier = ServiceTier.objects.get(is_default=True)
    target = TierTarget(tier=tier, priority=1, response_minutes=300, resolution_minutes=60)
    with pytest.raises(ValidationError, match="cannot be longer"):
        target.clean()


def test_only_one_default_tier():
    tier = make_tier("Another")
    tier.is_default = True
    with pytest.raises(ValidationError, match="already the default"):
        tier.full_clean()
