"""User-written text is rendered inert everywhere it is shown."""

from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import make_ticket
from tickets import services

pytestmark = pytest.mark.django_db

PAYLOADS = [
    "<script>alert('x1')</script>",
    "<img src=x onerror=\"alert('x2')\">",
    "[click](javascript:alert('x3'))",
    "<a href=\"javascript:alert('x4')\">x</a>",
    "<svg onload=alert('x5')>",
    '<iframe src="https://evil.example"></iframe>',
]


class ActiveContent(HTMLParser):
    """Collects what a browser would execute: script-ish tags, handlers, javascript: URLs."""

    def __init__(self):
        super().__init__()
        self.found = []
        self.in_static_script = False

    def handle_endtag(self, tag):
        if tag == "script":
            self.in_static_script = False

    def handle_data(self, data):
        if self.in_static_script and data.strip():
            self.found.append("inline text in a static script tag")

    def handle_starttag(self, tag, attrs):
        if tag == "script" and (dict(attrs).get("src") or "").startswith(settings.STATIC_URL):
            self.found.append("script[static]")  # our own file; no inline text allowed in it
            self.in_static_script = True
        elif tag in {"script", "iframe", "svg", "object", "embed"}:
            self.found.append(tag)
        for name, value in attrs:
            if name.startswith("on") or (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"{tag}[{name}={value}]")


@pytest.fixture
def dirty_ticket(user_a1, agent_a):
    text = "\n\n".join(PAYLOADS)
    ticket = make_ticket(requester=user_a1, subject=PAYLOADS[0] + PAYLOADS[1], description=text)
    services.ticket_reply(actor=user_a1, ticket=ticket, body=text)
    services.ticket_reply(actor=agent_a, ticket=ticket, body=text)
    return ticket


def assert_inert(html: str):
    parser = ActiveContent()
    parser.feed(html)
    # The page's own language switcher uses onchange, the workspace loads its static script;
    # nothing else may be active.
    allowed = ("select[onchange", "script[static]")
    assert [f for f in parser.found if not f.startswith(allowed)] == []


def test_pages_render_payloads_inert(dirty_ticket, login, user_a1, agent_a, manager_a):
    pages = [
        (user_a1, reverse("portal:ticket-detail", args=[dirty_ticket.pk])),
        (user_a1, reverse("portal:ticket-list")),
        (user_a1, reverse("portal:home")),
        (agent_a, reverse("tickets:ticket-workspace", args=[dirty_ticket.pk])),
        (agent_a, reverse("tickets:ticket-queue")),
        (manager_a, reverse("tickets:ticket-client-list")),
        (manager_a, reverse("tickets:ticket-client-detail", args=[dirty_ticket.pk])),
    ]
    for user, url in pages:
        response = login(user).get(url)
        assert response.status_code == 200, url
        assert_inert(response.content.decode())


def test_markdown_still_formats(user_a1, login):
    ticket = make_ticket(requester=user_a1, description="**bold** and `code`")
    html = login(user_a1).get(reverse("portal:ticket-detail", args=[ticket.pk])).content.decode()
    assert "<strong>bold</strong>" in html and "<code>code</code>" in html
