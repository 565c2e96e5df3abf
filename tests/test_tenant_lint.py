"""Lint: views, API and reports never query tenant-owned models except through selectors."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TENANT_MODELS = (
    "Ticket",
    "TicketEvent",
    "Attachment",
    "Rating",
    "Site",
    "ServiceAgreement",
    "Invitation",
    "SlaClock",
    "Complaint",
    "Notice",
    "Survey",
    "SurveyResponse",
    "TierAssignment",
    "MonthlyReport",
    "ReportAction",
)
PATTERN = re.compile(r"\b(" + "|".join(TENANT_MODELS) + r")\.objects\.(?!visible_to\(|none\(\))")
SCANNED = [
    "*/views.py",
    "*/api.py",
    "*/forms.py",
    "*/serializers.py",
    "reports/*.py",
    "reports/*/views.py",
    "reports/*/api.py",
    "reports/*/forms.py",
    "reports/*/serializers.py",
    "users_portal/*.py",
]


def offending_lines():
    for glob in SCANNED:
        for path in ROOT.glob(glob):
            if ".venv" in path.parts:
                continue
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if PATTERN.search(line):
                    yield f"{path.relative_to(ROOT)}:{number}: {line.strip()}"


def test_no_unscoped_tenant_queries_in_views():
    found = list(offending_lines())
    assert not found, "use visible_to()/selectors instead of .objects.:\n" + "\n".join(found)
