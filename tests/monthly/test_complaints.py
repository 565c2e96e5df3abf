"""The report's complaints section: counts by source, the complaints settled in October with
their corrective action, those open on 31 October, and never an internal note.

Client A (Asia/Shanghai), October 2026, generated 5 November:
K1 direct      closed 20 Oct, root cause and corrective action written for the client,
               an internal note on its timeline
K2 via client  logged 25 Oct, still investigating: open at the end
K3 direct      logged 28 Oct, resolved 2 Nov: open at the end (resolved after it)
K4 direct      logged 5 Sep, closed 6 Sep: neither list, not counted
Client B: a complaint closed in October, which client A's report never shows.
"""

import pytest

from reports.complaints.models import ComplaintEvent
from reports.dashboards.rollups import rollups_rebuild
from tests.dashboards.conftest import complaint, local

from .conftest import NOW
from .helpers import make_ready_report
from .test_generation import pdf_text, workbook

pytestmark = pytest.mark.django_db

NOTE = "内部备注 blame the night shift"
ACTION = "Daily queue check"


@pytest.fixture
def complaints_report(october, client_b, user_a1, user_b1, agent_a):
    client = october.client
    k1 = complaint(
        client,
        user_a1,
        created=local(10, 18),
        reference="CP-K1",
        category="slow_response",
        severity="serious",
        status="closed",
        resolved_at=local(10, 19),
        closed_at=local(10, 20),
        root_cause="Queue unwatched",
        corrective_action=ACTION,
    )
    ComplaintEvent.objects.create(
        complaint=k1,
        client=client,
        actor=agent_a,
        kind="note",
        is_internal=True,
        body=NOTE,
        created_at=local(10, 19),
    )
    complaint(
        client,
        user_a1,
        created=local(10, 25),
        reference="CP-K2",
        source="via_client",
        category="attitude",
        status="investigating",
    )
    complaint(
        client,
        user_a1,
        created=local(10, 28),
        reference="CP-K3",
        status="resolved",
        resolved_at=local(11, 2),
    )
    complaint(
        client,
        user_a1,
        created=local(9, 5),
        reference="CP-K4",
        status="closed",
        closed_at=local(9, 6),
    )
    complaint(
        client_b,
        user_b1,
        created=local(10, 10),
        reference="CP-B1",
        status="closed",
        closed_at=local(10, 11),
        corrective_action="B 的秘密",
    )
    rollups_rebuild(now=NOW)
    return make_ready_report(client, now=NOW)


def test_pdf_lists_the_settled_complaint_with_its_corrective_action(complaints_report):
    text = pdf_text(complaints_report)
    assert "CP-K1" in text and ACTION in text and "Queue unwatched" in text
    assert "CP-K2" in text and "CP-K3" in text  # open on 31 October
    assert "CP-K4" not in text and "CP-B1" not in text and "B 的秘密" not in text
    assert "3 complaints logged: 2 heard directly, 1 via the client (33.3% via the client)" in (
        text.replace("\n", " ")
    )


def test_xlsx_complaints_sheet_counts_and_lists(complaints_report):
    rows = list(workbook(complaints_report)["complaints"].iter_rows(values_only=True))
    counts = {row[1]: row[2] for row in rows[2:6]}
    assert counts == {"total": 3, "direct": 2, "via_client": 1, "via_client_share": 33.3}
    header = next(i for i, row in enumerate(rows) if row and row[0] == "List")
    listed = {row[1]: row for row in rows[header + 1 :]}
    assert set(listed) == {"CP-K1", "CP-K2", "CP-K3"}
    assert listed["CP-K1"][0] == "Resolved or closed in the period"
    assert listed["CP-K1"][-1] == ACTION and listed["CP-K1"][-2] == "Queue unwatched"
    assert listed["CP-K3"][0] == "Open at the period's end"
    assert listed["CP-K2"][0] == "Open at the period's end"


def test_internal_note_never_reaches_the_pdf_or_the_xlsx(complaints_report):
    assert "blame the night shift" not in pdf_text(complaints_report)
    book = workbook(complaints_report)
    cells = [
        str(value)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    ]
    assert not any("night shift" in cell for cell in cells)
