"""One tenancy rule: every tenant queryset, User's included, goes through TenantQuerySet."""

import pytest

from clients.models import Client, User
from clients.querysets import UserQuerySet
from itsm.tenancy import TenantQuerySet

pytestmark = pytest.mark.django_db


def test_people_extend_the_rule_instead_of_repeating_it():
    assert issubclass(UserQuerySet, TenantQuerySet)
    assert "visible_to" not in vars(UserQuerySet), "override for_agent/for_end_user instead"


def visible(user):
    return set(User.objects.visible_to(user).values_list("username", flat=True))


def test_agent_sees_served_peoples_and_staff(agent_a, agent_b, user_a1, user_b1, manager_a):
    seen = visible(agent_a)
    assert {"agent_a", "agent_b", "user_a1", "manager_a"} <= seen
    assert "user_b1" not in seen


def test_inactive_agent_sees_nobody(agent_a, user_a1):
    agent_a.is_active = False
    agent_a.save()
    assert visible(agent_a) == set()


def test_people_of_a_suspended_client_see_nobody(manager_a, user_a1, client_a):
    Client.objects.filter(pk=client_a.pk).update(status="suspended", suspension_reason="unpaid")
    manager_a.refresh_from_db()
    assert visible(manager_a) == set()


def test_end_user_sees_self_and_a_site_lead_their_site(user_a1, user_a2, site_a):
    from .factories import make_user

    colleague = make_user(client=user_a1.client, site=site_a, username="colleague")
    assert visible(user_a1) == {"user_a1"}
    colleague.is_site_lead = True
    colleague.save()
    assert visible(colleague) == {"user_a1", "colleague"}
