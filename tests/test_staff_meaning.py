"""One meaning of "staff": provider people (agents, admins, superusers), decided in tenancy.

Django's `is_staff` keeps only Django's own meaning (may open /admin/); it grants nothing in
the service desk, and nothing in the code reads it.
"""

import re
from pathlib import Path

import pytest

from clients.models import User
from itsm import tenancy
from itsm.tenancy import Role

ROOT = Path(__file__).resolve().parent.parent
OUR_CODE = ("itsm", "clients", "tickets", "sla", "users_portal", "reports", "templates")


@pytest.mark.parametrize("role", Role.values)
@pytest.mark.parametrize("superuser", [False, True])
@pytest.mark.parametrize("django_staff", [False, True])
def test_one_rule_for_provider_staff(role, superuser, django_staff):
    user = User(role=role, is_superuser=superuser, is_staff=django_staff)
    expected = superuser or role in (Role.AGENT, Role.ADMIN)
    assert user.is_provider_staff is expected
    assert tenancy.is_provider_staff(user) is expected


def test_no_second_name_for_the_same_rule():
    assert not hasattr(tenancy, "is_staff_side")
    pattern = re.compile(r"\bis_staff_side\b|\.is_staff\b")
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for folder in OUR_CODE
        for path in (ROOT / folder).rglob("*")
        if path.suffix in (".py", ".html") and "migrations" not in path.parts
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if pattern.search(line)
    ]
    assert not found, f"use is_provider_staff: {found}"
