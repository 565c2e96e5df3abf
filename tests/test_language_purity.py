"""Nobody who chose a language sees the other one outside user content: the main journeys
(portal, queue, workspace, client list, complaints, notices) and the emails of the outbox are
rendered for a zh-hans and an en reader over the demo data.

Robust by construction: whatever the database holds (names, subjects, descriptions, notices) is
user content and may appear in any language; everything else on the page comes from templates
and the catalogue. For an English reader a run of Chinese characters that is not part of stored
data fails; for a Chinese reader an English word of our catalogue's msgids that neither stored
data nor a Chinese translation contains (SLA, CSV, ...) fails.
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import models
from django.urls import reverse

from clients.models import User
from itsm.models import OutboundEmail
from reports.complaints.models import Complaint
from reports.models import Notice
from tickets import services
from tickets.models import Status, Ticket

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
CJK_RUN = re.compile(r"[\u3400-\u9fff]+")
WORD = re.compile(r"[A-Za-z]{4,}")
OUR_APPS = {"itsm", "clients", "sla", "tickets", "reports", "complaints", "satisfaction"}


def catalogue_words() -> tuple[set[str], set[str]]:
    """(words of our English msgids, words that Chinese translations themselves contain)."""
    english, chinese = set(), set()
    entry = {"msgid": "", "msgstr": ""}
    current = None
    for line in PO.read_text(encoding="utf-8").splitlines():
        if line.startswith(("msgid ", "msgid_plural ")):
            current = "msgid"
            entry["msgid"] += line.split(" ", 1)[1]
        elif line.startswith("msgstr"):
            current = "msgstr"
            entry["msgstr"] += line.split(" ", 1)[1]
        elif line.startswith('"') and current:
            entry[current] += line
        elif not line.strip():
            english |= _words(entry["msgid"])
            chinese |= _words(entry["msgstr"])
            entry, current = {"msgid": "", "msgstr": ""}, None
    return english - chinese, chinese


def _words(text: str) -> set[str]:
    text = re.sub(r"%\(\w+\)[sd]|\{\{[^}]*\}\}|<[^>]+>", " ", text)
    return {word.lower() for word in WORD.findall(text)}


def stored_text() -> str:
    """Every text value the database holds: user content, whatever language it is in."""
    parts = []
    for model in apps.get_models():
        if model._meta.app_label not in OUR_APPS:
            continue
        fields = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField)
        ]
        if fields:
            for row in model._default_manager.values_list(*fields):
                parts += [str(value) for value in row if value]
    people = User.objects.all()
    parts += [person.display_name for person in people]  # 李明 from 李 + 明
    parts += [f"({person.username})" for person in people]  # "周志强 (agent1)" in pickers
    return "\n".join(parts)


class VisibleText(HTMLParser):
    """Text nodes and the attributes people read (placeholder, title, aria-label, button
    values), minus the language switcher, which names each language in its own."""

    SKIP = {"script", "style", "select"}

    def __init__(self):
        super().__init__()
        self.parts, self.skipping = [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in self.SKIP:
            self.skipping.append(tag if attrs.get("name") == "language" or tag != "select" else "")
        for name in ("placeholder", "title", "aria-label"):
            if attrs.get(name):
                self.parts.append(attrs[name])
        if tag == "input" and attrs.get("type") == "submit" and attrs.get("value"):
            self.parts.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag in self.SKIP and self.skipping:
            self.skipping.pop()

    def handle_data(self, data):
        if not any(self.skipping):
            self.parts.append(data)


def visible(html: str) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    return parser.parts


def without_stored(part: str, stored: str) -> str:
    """`part` with the stored values it quotes cut out ("工作日历 China office hours" names a
    calendar inside a translated sentence)."""
    for value in sorted(set(stored.split("\n")), key=len, reverse=True):
        if len(value) >= 4 and value in part:
            part = part.replace(value, " ")
    return part


def foreign(parts: list[str], language: str, stored: str, english_words: set[str]) -> list[str]:
    """Strings of the other language in `parts` (text nodes, or lines of an email) that are
    not stored data: a part found whole in the database is user content (a subject, a Markdown
    paragraph); in the rest, a Chinese run (en) must be part of stored data, an English word of
    our catalogue (zh) must not appear at all."""
    found = set()
    for part in parts:
        part = part.strip()
        if not part or part in stored:
            continue
        if language == "en":
            found |= {run for run in CJK_RUN.findall(part) if run not in stored}
        elif any(word.lower() in english_words for word in WORD.findall(part)):
            rest = without_stored(part, stored)
            words = {word for word in WORD.findall(rest) if word.lower() in english_words}
            found |= {f"{word} «{part[:80]}»" for word in words}
    return sorted(found)


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("seed_demo", "--password", "pw-For-Demo-1")
    settings.DEBUG = False


def pages(people: dict) -> list[tuple[User, str]]:
    user, agent, manager = people["user_a1"], people["agent1"], people["manager_a"]
    own = Ticket.objects.filter(requester=user).order_by("pk").first()
    ticket = Ticket.objects.filter(client=manager.client).order_by("pk").first()
    complaint = Complaint.objects.filter(client=manager.client).order_by("pk").first()
    notice = Notice.objects.order_by("pk").first()
    return [
        (user, reverse("portal:home")),
        (user, reverse("portal:ticket-list")),
        (user, reverse("portal:ticket-new")),
        (user, reverse("portal:ticket-detail", args=[own.pk])),
        (user, reverse("complaints:complaint-list")),
        (user, reverse("complaints:complaint-new")),
        (agent, reverse("tickets:ticket-queue")),
        (agent, reverse("tickets:ticket-workspace", args=[ticket.pk])),
        (agent, reverse("complaints:complaint-list")),
        (agent, reverse("complaints:complaint-detail", args=[complaint.pk])),
        (agent, reverse("notices:notice-list")),
        (agent, reverse("notices:notice-detail", args=[notice.pk])),
        (manager, reverse("tickets:ticket-client-list")),
        (manager, reverse("tickets:ticket-client-list") + "?sla=running&rating=unrated"),
        (manager, reverse("tickets:ticket-client-detail", args=[ticket.pk])),
        (manager, reverse("complaints:complaint-detail", args=[complaint.pk])),
        (manager, reverse("notices:notice-list")),
    ]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_pages_and_emails_speak_only_the_readers_language(client, demo, language):
    User.objects.update(language=language)
    people = {u.username: u for u in User.objects.all()}
    english_words, _ = catalogue_words()
    # Activity that emails people, now that they all read `language`.
    first_new_email = (
        OutboundEmail.objects.order_by("-pk").values_list("pk", flat=True).first()
    ) or 0
    own = Ticket.objects.filter(requester=people["user_a1"]).order_by("pk").first()
    services.ticket_claim(actor=people["agent1"], ticket=own)
    services.ticket_reply(actor=people["agent1"], ticket=own, body="OK")
    services.ticket_change_status(actor=people["agent1"], ticket=own, status=Status.RESOLVED)
    stored = stored_text()

    problems = []
    for person, url in pages(people):
        client.force_login(person)
        client.cookies["django_language"] = language
        response = client.get(url)
        assert response.status_code == 200, url
        found = foreign(visible(response.content.decode()), language, stored, english_words)
        if found:
            problems.append(f"{person.username} {url}: {found}")
    emails = OutboundEmail.objects.filter(pk__gt=first_new_email)
    assert emails.exists()
    for email in emails:
        lines = [email.subject, *email.body.splitlines()]
        found = foreign(lines, language, stored, english_words)
        if found:
            problems.append(f"email to {email.to} «{email.subject}»: {found}")
    assert not problems, "\n".join(problems)
