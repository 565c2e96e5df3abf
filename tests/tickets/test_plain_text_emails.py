"""Plain-text emails show what people typed: `.txt` templates render without HTML escaping."""

from pathlib import Path

import pytest
from django.conf import settings
from django.template.loader import get_template, render_to_string

from itsm.models import OutboundEmail
from itsm.outbox import email_render
from tests.factories import make_ticket

pytestmark = pytest.mark.django_db

SUBJECT = "R&D printer <3F> \"quoted\" 'single'"


def test_ticket_email_keeps_ampersands_and_angle_brackets(user_a1):
    ticket = make_ticket(requester=user_a1, subject=SUBJECT)
    email = OutboundEmail.objects.get(to=user_a1.email)
    assert email.template and not email.body  # rendered by the sender, not the request
    email.subject, email.body = email_render(email)
    assert SUBJECT in email.subject
    assert "&amp;" not in email.subject + email.body and "&lt;" not in email.subject
    assert ticket.reference in email.subject


def test_reply_email_body_is_plain_text(user_a1, agent_a):
    from tickets import services

    ticket = make_ticket(requester=user_a1, subject=SUBJECT)
    services.ticket_reply(actor=agent_a, ticket=ticket, body="Use <Ctrl> & <Alt> + Del")
    email = OutboundEmail.objects.filter(to=user_a1.email).latest("pk")
    assert "Use <Ctrl> & <Alt> + Del" in email.body, email.body


def every_text_template():
    root = Path(settings.BASE_DIR) / "templates"
    return sorted(str(p.relative_to(root)) for p in root.rglob("*.txt"))


@pytest.mark.parametrize("name", every_text_template())
def test_every_text_template_renders_unescaped(name):
    assert get_template(name).template.engine.autoescape is False


def test_html_pages_are_still_escaped():
    assert get_template("_error.html").template.engine.autoescape is True
    html = render_to_string("_error.html", {"heading": "<b>x</b>", "code": 400})
    assert "&lt;b&gt;x&lt;/b&gt;" in html


def test_system_checks_pass_with_the_text_engine_first():
    from django.core.management import call_command

    call_command("check", fail_level="WARNING")
