"""Test data: plain functions returning saved objects with sensible defaults."""

import itertools
from datetime import date

from clients.models import Client, ServiceAgreement, ServiceCategory, Site, Team, User
from itsm.tenancy import Role
from tickets import services as ticket_services

_seq = itertools.count(1)
PASSWORD = "test-pass-2026!"
# Unit tests assert English messages; the browser tests use the product default (Chinese).
DEFAULT_LANGUAGE = "en"


def make_client(*, code: str | None = None, **fields) -> Client:
    n = next(_seq)
    code = code or f"C{n}"
    return Client.objects.create(code=code, name=fields.pop("name", f"客户 {code}"), **fields)


def make_site(*, client: Client, name: str | None = None) -> Site:
    return Site.objects.create(client=client, name=name or f"站点 {next(_seq)}")


def make_category(code: str = "desktop") -> ServiceCategory:
    category, _ = ServiceCategory.objects.get_or_create(
        code=code, defaults={"name_zh": f"类别 {code}", "name_en": f"Category {code}"}
    )
    return category


def make_agreement(*, client: Client, categories=()) -> ServiceAgreement:
    agreement = ServiceAgreement.objects.create(
        client=client, name=f"协议 {client.code}", start_date=date(2020, 1, 1)
    )
    agreement.categories.set(categories or [make_category()])
    return agreement


def make_user(*, role: str = Role.END_USER, client=None, site=None, **fields) -> User:
    n = next(_seq)
    username = fields.pop("username", f"{role}{n}")
    fields.setdefault("language", DEFAULT_LANGUAGE)
    user = User(
        username=username,
        email=fields.pop("email", f"{username}@example.cn"),
        role=role,
        client=client,
        site=site,
        **fields,
    )
    user.set_password(PASSWORD)
    user.full_clean()
    user.save()
    return user


def make_team(*, members=(), clients=(), lead=None, name=None) -> Team:
    team = Team.objects.create(name=name or f"Team {next(_seq)}", lead=lead)
    team.members.set(members)
    team.clients.set(clients)
    return team


def make_ticket(*, requester: User, actor: User | None = None, **fields):
    fields.setdefault("subject", f"Problem {next(_seq)}")
    fields.setdefault("description", "Something broke.")
    return ticket_services.ticket_create(actor=actor or requester, requester=requester, **fields)
