"""The report as XLSX (openpyxl): a summary sheet and one sheet per figure with its data.

The sheets are the dashboard's own tables (reports.dashboards.tables), so the numbers in the
workbook are those behind the dashboard's charts and the PDF.
"""

import io

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from openpyxl import Workbook
from openpyxl.styles import Font

from itsm.spreadsheet import cell_row

from .content import ReportContent

BOLD = Font(bold=True)


def _sheet_title(key: str) -> str:
    # Excel allows 31 characters and none of []:*?/\ in a sheet title.
    return "".join(ch for ch in key if ch not in "[]:*?/\\")[:31]


COMPLAINT_COLUMNS = (
    ("reference", _lazy("Complaint")),
    ("category_label", _lazy("Category")),
    ("severity_label", _lazy("Severity")),
    ("source_label", _lazy("Source")),
    ("status_label", _lazy("Status")),
    ("logged_local", _lazy("Logged")),
    ("root_cause", _lazy("Root cause")),
    ("corrective_action", _lazy("Corrective action")),
)


def _complaints_sheet(workbook, content: ReportContent) -> None:
    """Counts by source (the dashboard's figures), then one table: the complaints settled in
    the period and those open at its end, told apart by the first column."""
    figures = content.dashboard["sections"]["complaints"]["figures"]
    sheet = workbook.create_sheet("complaints")
    sheet.append(cell_row([_("Complaints")]))
    sheet.append(cell_row([_("Figure"), _("Key"), _("Value")]))
    counts = (
        ("total", _("Complaints logged")),
        ("direct", _("Heard directly")),
        ("via_client", _("Via the client")),
        ("via_client_share", _("Share via the client %")),
    )
    for key, label in counts:
        sheet.append(cell_row([label, key, figures[key]]))
    sheet.append([])
    sheet.append(cell_row([_("List")] + [str(label) for _k, label in COMPLAINT_COLUMNS]))
    lists = (
        (_("Resolved or closed in the period"), content.complaints["settled"]),
        (_("Open at the period's end"), content.complaints["open_at_end"]),
    )
    for name, rows in lists:
        for row in rows:
            sheet.append(cell_row([name] + [row[key] for key, _label in COMPLAINT_COLUMNS]))
    for row in (1, 2, len(counts) + 4):
        for cell in sheet[row]:
            cell.font = BOLD
    sheet.column_dimensions["A"].width = 28


def render_xlsx(content: ReportContent, *, report) -> bytes:
    workbook = Workbook()
    summary = workbook.active
    summary.title = "summary"
    period = content.period
    # Row 1 names the report, row 2 the columns: the layout of every sheet of the workbook.
    summary.append(
        cell_row(
            [
                _("Monthly service report"),
                content.client.name,
                f"{period.start:%Y-%m-%d} — {period.end:%Y-%m-%d}",
                f"v{report.version}",
            ]
        )
    )
    summary.append([_("Figure"), _("Key"), _("Value")])
    labels = {
        "compliance": _("SLA compliance %"),
        "response_compliance": _("Response compliance %"),
        "resolution_compliance": _("Resolution compliance %"),
        "breaches": _("SLA breaches"),
        "opened": _("Tickets opened"),
        "resolved": _("Tickets resolved"),
        "csat": _("CSAT"),
        "rated": _("Rated"),
        "csat_response_rate": _("Rating response rate %"),
    }
    for key, value in content.summary.items():
        summary.append([str(labels[key]), key, value])
    for row in (1, 2):
        for cell in summary[row]:
            cell.font = BOLD
    summary.column_dimensions["A"].width = 32

    tables = list(content.tables.values())
    for table in tables:
        sheet = workbook.create_sheet(_sheet_title(table.key))
        sheet.append(cell_row([str(table.title)]))
        sheet["A1"].font = BOLD
        sheet.append(cell_row([str(label) for _key, label in table.columns]))
        for cell in sheet[2]:
            cell.font = BOLD
        for row in table.rows:
            sheet.append(cell_row([row.get(key) for key, _label in table.columns]))
        sheet.column_dimensions["A"].width = 24
    incidents = workbook.create_sheet("incidents")
    incidents.append(cell_row([_("Notable incidents (breached P1/P2)")]))
    columns = (
        ("reference", _("Ticket")),
        ("subject", _("Subject")),
        ("priority", _("Priority")),
        ("kind_label", _("Clock")),
        ("breached_local", _("Breached at")),
        ("status", _("Status")),
    )
    incidents.append(cell_row([str(label) for _k, label in columns]))
    for row in content.incidents:
        incidents.append(cell_row([row[key] for key, _label in columns]))
    low = workbook.create_sheet("low-scores")
    low.append(cell_row([_("Low scores")]))
    low.append(cell_row([_("Ticket"), _("Score"), _("Comment")]))
    for row in content.dashboard["sections"]["satisfaction"]["low_scores"]:
        low.append(cell_row([row["reference"], row["score"], row["comment"]]))
    _complaints_sheet(workbook, content)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
