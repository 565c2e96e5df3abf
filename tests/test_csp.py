"""Content-Security-Policy on every page, and pages that need no inline script or style."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from itsm.csp import CONTENT_SECURITY_POLICY
from tickets import services as ticket_services

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
# A <script> without src runs inline; JSON data blocks (json_script) are never executed.
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style\b|\sstyle\s*=", re.I)

PAGES = [
    "home",
    "portal:home",
    "portal:ticket-list",
    "portal:ticket-new",
    "tickets:ticket-queue",
    "tickets:ticket-client-list",
    "clients:invitation-create",
    "clients:token-list",
    "notices:notice-list",
    "complaints:complaint-list",
    "complaints:complaint-new",
    "satisfaction:survey-list",
    "satisfaction:followup-list",
    "dashboards:provider-overview",
    "monthly:report-board",
    "mfa_index",
    "usersessions_list",
]


# An inline event handler (onchange="...") is inline script too: the policy blocks it.
INLINE_HANDLER = re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE)


def inline_code(html: str) -> list[str]:
    return INLINE_SCRIPT.findall(html) + INLINE_STYLE.findall(html) + INLINE_HANDLER.findall(html)


def test_no_template_has_inline_script_or_style():
    found = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "templates").rglob("*.html")
        if inline_code(path.read_text())
    ]
    assert found == []


@pytest.mark.parametrize("role", ["end_user", "client_manager", "agent", "admin"])
def test_every_page_carries_the_policy_and_no_inline_code(
    role, login, user_a1, manager_a, agent_a, admin_user, ticket_a1
):
    user = {"end_user": user_a1, "client_manager": manager_a, "agent": agent_a}.get(
        role, admin_user
    )
    client = login(user)
    urls = [reverse(name) for name in PAGES]
    urls += [
        reverse("portal:ticket-detail", args=[ticket_a1.pk]),
        reverse("tickets:ticket-workspace", args=[ticket_a1.pk]),
        reverse("tickets:ticket-client-detail", args=[ticket_a1.pk]),
    ]
    shown = 0
    for url in urls:
        response = client.get(url, follow=True)
        assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY, url
        if response.status_code == 200:
            shown += 1
            assert inline_code(response.content.decode()) == [], url
    assert shown >= 5  # each role reaches its own pages, not only refusals


def test_sign_in_and_error_pages_carry_the_policy(client):
    for url in [reverse("account_login"), "/no-such-page/"]:
        response = client.get(url)
        assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
        assert inline_code(response.content.decode()) == []


def test_api_docs_load_their_script_from_a_file(client, admin_user):
    client.force_login(admin_user)
    page = client.get(reverse("api-docs"))
    assert page.status_code == 200
    assert page["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    html = page.content.decode()
    assert inline_code(html) == []
    assert "css/api_docs.css" in html
    script = re.search(r'<script src="([^"]*\?script[^"]*)"', html).group(1)
    init = client.get(script.replace("&amp;", "&"))
    assert init.status_code == 200 and "SwaggerUIBundle" in init.content.decode()


def test_attachment_downloads_keep_their_sandbox(login, user_a1, ticket_a1):
    from django.core.files.uploadedfile import SimpleUploadedFile

    attachment = ticket_services.attachment_add(
        actor=user_a1, ticket=ticket_a1, upload=SimpleUploadedFile("a.txt", b"hello")
    )
    response = login(user_a1).get(reverse("tickets:attachment-download", args=[attachment.pk]))
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
