"""The fuzzers' world (one of each thing the API and pages name by id, in two tenants) and
their tally: how many operations or pages, roles and examples ran, printed and kept under var/."""

import json
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from clients.services import api_token_create
from reports.notices.services import TargetSpec, notice_create
from tests.complaints.conftest import open_complaint
from tickets import services as ticket_services
from tickets.models import Status

ROLES = ["anonymous", "user_a1", "manager_a", "agent_a", "admin_user"]
# suite -> {"targets": set of operations or pages, "roles": set, "examples": count}
TALLY: dict[str, dict] = {}


def count(suite: str, target: str, role: str, outcome: str) -> None:
    """One example of `suite` run on `target` as `role`; `outcome` e.g. "POST 4xx"."""
    entry = TALLY.setdefault(
        suite, {"targets": set(), "roles": set(), "examples": Counter(), "outcomes": Counter()}
    )
    entry["targets"].add(target)
    entry["roles"].add(role)
    entry["examples"][role] += 1
    entry["outcomes"][outcome] += 1


def pytest_terminal_summary(terminalreporter):
    if not TALLY:
        return
    summary = {
        suite: {
            "targets": len(entry["targets"]),
            "roles": sorted(entry["roles"]),
            "examples": sum(entry["examples"].values()),
            "outcomes": dict(sorted(entry["outcomes"].items())),
        }
        for suite, entry in sorted(TALLY.items())
    }
    terminalreporter.section("fuzzing")
    for suite, row in summary.items():
        terminalreporter.write_line(
            f"{suite}: {row['targets']} targets x {len(row['roles'])} roles, "
            f"{row['examples']} examples; answers: "
            + ", ".join(f"{key} {n}" for key, n in row["outcomes"].items())
        )
    out = Path(django_settings.BASE_DIR) / "var" / "fuzz-summary.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(summary, indent=2) + "\n")


@pytest.fixture
def world(client_a, client_b, user_a1, user_a2, user_b1, manager_a, agent_a, agent_b, admin_user):
    """Ids of real rows by kind, so examples reach past the 404 for an unknown id."""
    now = timezone.now()
    open_ticket = ticket_services.ticket_create(
        actor=user_a1, requester=user_a1, subject="Printer 打印机", description="Jammed."
    )
    ticket_services.ticket_reply(actor=agent_a, ticket=open_ticket, body="On my way.")
    solved = ticket_services.ticket_create(
        actor=user_a1, requester=user_a1, subject="Mail 邮件", description="Bounces."
    )
    ticket_services.ticket_change_status(actor=agent_a, ticket=solved, status=Status.RESOLVED)
    other = ticket_services.ticket_create(
        actor=user_b1, requester=user_b1, subject="Other tenant", description="Not yours."
    )
    attachment = ticket_services.attachment_add(
        actor=user_a1, ticket=open_ticket, upload=SimpleUploadedFile("a.txt", b"text")
    )
    complaint = open_complaint(manager_a, source="via_client")
    notice = notice_create(
        actor=admin_user,
        targets=[TargetSpec(client=client_a)],
        title="维护 Maintenance",
        body="Tonight.",
        severity="maintenance",
        published_at=now - timedelta(hours=1),
        expires_at=now + timedelta(days=1),
        now=now,
    )
    tokens = {}
    for name in ROLES[1:]:
        person = {"user_a1": user_a1, "manager_a": manager_a, "agent_a": agent_a}.get(
            name, admin_user
        )
        token, key = api_token_create(actor=person, name="fuzz")
        tokens[name] = (key, token.pk)
    return {
        "users": {
            "user_a1": user_a1,
            "manager_a": manager_a,
            "agent_a": agent_a,
            "admin_user": admin_user,
        },
        "tokens": tokens,
        "ids": {
            "tickets": [open_ticket.pk, solved.pk, other.pk],
            "attachments": [attachment.pk],
            "complaints": [complaint.pk],
            "notices": [notice.pk],
            "tokens": [pk for _, pk in tokens.values()],
        },
    }
