"""One source for absolute links: every email link starts with SITE_URL (itsm/links.py)."""

import re
from pathlib import Path

import pytest

from clients import services as client_services
from itsm.models import OutboundEmail
from itsm.outbox import email_render
from itsm.tenancy import Role
from tests.factories import make_ticket

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [
    p
    for p in ROOT.rglob("*.py")
    if not {".venv", "tests", "mutants", "bench", "node_modules"} & set(p.relative_to(ROOT).parts)
]


def test_no_module_builds_absolute_links_its_own_way():
    allowed = {
        ROOT / "itsm" / "links.py",
        ROOT / "itsm" / "settings.py",
        ROOT / "itsm" / "paging.py",
    }
    offenders = [
        str(p.relative_to(ROOT))
        for p in SOURCES
        if p not in allowed
        and re.search(r"settings\.SITE_URL|build_absolute_uri", p.read_text(encoding="utf-8"))
    ]
    assert not offenders, f"use itsm.links.absolute_url/absolute_reverse in {offenders}"


@pytest.mark.django_db
def test_ticket_and_invitation_emails_link_to_site_url(
    settings, user_a1, admin_user, client_a, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "http://demo.example:8765"
    make_ticket(requester=user_a1)
    client_services.invitation_create(
        actor=admin_user, client=client_a, email="someone@example.cn", role=Role.END_USER
    )
    # Some emails are stored for rendering at send time: render those as the sender would.
    bodies = [
        email_render(e)[1] if e.template and not e.body else e.body
        for e in OutboundEmail.objects.all()
    ]
    assert len(bodies) >= 2
    for body in bodies:
        links = re.findall(r"https?://\S+", body)
        assert links and all(link.startswith("http://demo.example:8765/") for link in links), body


def test_make_run_exports_site_url_from_host():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "run: export SITE_URL ?= http://$(HOST)" in makefile
