"""The dashboard's tables: the numbers behind each chart, shown under it and sold as CSV.

Built from the plain dashboard data (sections.client_dashboard), so a table, its chart and its
CSV always show the same numbers.
"""

import csv
import io
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from itsm.spreadsheet import cell_row

from . import charts


@dataclass
class Table:
    key: str
    title: str
    columns: list[tuple[str, str]]
    rows: list[dict]
    chart: str = ""
    notes: list[str] = field(default_factory=list)

    def as_csv(self) -> str:
        out = io.StringIO()
        # A byte-order mark so spreadsheet programs read the Chinese names as UTF-8.
        out.write("\ufeff")
        writer = csv.writer(out)
        writer.writerow([label for _k, label in self.columns])
        for row in self.rows:
            writer.writerow(
                cell_row("" if row.get(k) is None else row.get(k) for k, _l in self.columns)
            )
        return out.getvalue()


def _breakdown_columns(first: str) -> list[tuple[str, str]]:
    return [
        ("label", first),
        ("opened", _("Opened")),
        ("resolved", _("Resolved")),
        ("response_compliance", _("Response compliance %")),
        ("resolution_compliance", _("Resolution compliance %")),
        ("breaches", _("Breaches")),
        ("resolve_mean_hours", _("Mean time to resolve (business h)")),
        ("csat", _("CSAT")),
        ("rated", _("Rated")),
    ]


def _fairness_columns(first: str) -> list[tuple[str, str]]:
    return [
        ("label", first),
        ("compliance", _("SLA compliance %")),
        ("decided", _("SLA outcomes")),
        ("resolve_mean_hours", _("Mean time to resolve (business h)")),
        ("resolved_timed", _("Resolved with SLA")),
        ("csat", _("CSAT")),
        ("rated", _("Rated")),
        ("flag", _("Below the client's average")),
    ]


def _flag_text(marks: list[str]) -> str:
    names = {
        "compliance": _("compliance"),
        "csat": _("CSAT"),
        "resolve": _("time to resolve"),
    }
    return ", ".join(str(names[m]) for m in marks)


def dashboard_tables(dashboard: dict) -> dict[str, Table]:
    """Every table of the dashboard by key (the CSV download's URL names the key)."""
    sla = dashboard["sections"]["sla"]
    volume = dashboard["sections"]["volume"]
    sat = dashboard["sections"]["satisfaction"]
    fair = dashboard["sections"]["fairness"]
    comp = dashboard["sections"]["complaints"]
    comp_points = comp["series"]
    comp_labels = [p["label"] for p in comp_points]
    points = volume["series"]
    labels = [p["label"] for p in points]
    period_label = _("Period")
    tables = [
        Table(
            "volume",
            _("Tickets opened, resolved and backlog"),
            [
                ("label", period_label),
                ("opened", _("Opened")),
                ("resolved", _("Resolved")),
                ("backlog", _("Backlog at the end")),
            ],
            points,
            charts.bar_line_chart(
                _("Tickets opened, resolved and backlog"),
                labels,
                [
                    (_("Opened"), [p["opened"] for p in points]),
                    (_("Resolved"), [p["resolved"] for p in points]),
                ],
                [(_("Backlog"), [p["backlog"] for p in points])],
            ),
        ),
        Table(
            "compliance",
            _("SLA compliance over time"),
            [
                ("label", period_label),
                ("response_compliance", _("Response compliance %")),
                ("resolution_compliance", _("Resolution compliance %")),
            ],
            points,
            charts.bar_line_chart(
                _("SLA compliance over time"),
                labels,
                [],
                [
                    (_("Response"), [p["response_compliance"] for p in points]),
                    (_("Resolution"), [p["resolution_compliance"] for p in points]),
                ],
                y_max=100,
                unit="%",
            ),
        ),
        Table(
            "csat",
            _("Satisfaction scores"),
            [("score", _("Score")), ("count", _("Ratings")), ("share", _("Share %"))],
            sat["figures"]["distribution"],
            charts.hbar_chart(
                _("Satisfaction scores"),
                [f"{d['score']} ★" for d in sat["figures"]["distribution"]],
                [d["count"] for d in sat["figures"]["distribution"]],
            ),
        ),
        Table(
            "csat-trend",
            _("CSAT and response rate over time"),
            [
                ("label", period_label),
                ("csat", _("CSAT")),
                ("rated", _("Rated")),
                ("sent", _("Requests sent")),
                ("answered", _("Answered")),
                ("response_rate", _("Response rate %")),
            ],
            sat["series"],
            charts.bar_line_chart(
                _("CSAT over time"),
                [p["label"] for p in sat["series"]],
                [],
                [(_("CSAT"), [p["csat"] for p in sat["series"]])],
                y_max=5,
            ),
        ),
        Table(
            "surveys",
            _("Client survey results"),
            [
                ("label", period_label),
                ("questionnaire", _("Questionnaire")),
                ("invited", _("Invited")),
                ("answered", _("Answered")),
                ("response_rate", _("Response rate %")),
                ("scale_average", _("Average (1-5)")),
                ("nps", _("NPS")),
            ],
            sat["surveys"],
            charts.bar_line_chart(
                _("Client survey average (1-5)"),
                [r["label"] for r in sat["surveys"]],
                [],
                [(_("Average (1-5)"), [r["scale_average"] for r in sat["surveys"]])],
                y_max=5,
            ),
        ),
        Table(
            "top-categories",
            _("Top categories"),
            _breakdown_columns(_("Category")),
            volume["top_categories"],
            charts.hbar_chart(
                _("Top categories"),
                [r["label"] for r in volume["top_categories"]],
                [r["opened"] for r in volume["top_categories"]],
            ),
        ),
        Table(
            "top-sites",
            _("Top sites"),
            _breakdown_columns(_("Site")),
            volume["top_sites"],
            charts.hbar_chart(
                _("Top sites"),
                [r["label"] for r in volume["top_sites"]],
                [r["opened"] for r in volume["top_sites"]],
            ),
        ),
    ]
    for key, title, first in (
        ("tier", _("SLA by service tier"), _("Tier")),
        ("priority", _("SLA by priority"), _("Priority")),
        ("site", _("SLA by site"), _("Site")),
        ("category", _("SLA by category"), _("Category")),
    ):
        tables.append(Table(f"sla-{key}", title, _breakdown_columns(first), sla["by"][key]))
    for key, title, first in (
        ("tiers", _("Fairness between service tiers"), _("Tier")),
        ("sites", _("Fairness between sites"), _("Site")),
    ):
        rows = [row | {"flag": _flag_text(row["marks"])} for row in fair[key]]
        tables.append(
            Table(
                f"fairness-{key}",
                title,
                _fairness_columns(first),
                rows,
                charts.hbar_chart(
                    title,
                    [r["label"] for r in rows],
                    [r["compliance"] or 0 for r in rows],
                    unit="%",
                ),
            )
        )
    tables.append(
        Table(
            "breaches",
            _("SLA breaches"),
            [
                ("reference", _("Ticket")),
                ("subject", _("Subject")),
                ("kind_label", _("Clock")),
                ("breached_local", _("Breached at")),
                ("priority", _("Priority")),
                ("site", _("Site")),
                ("tier", _("Tier")),
            ],
            sla["breaches"],
        )
    )
    tables += [
        Table(
            "complaints-sources",
            _("Complaints by source"),
            [
                ("label", period_label),
                ("direct", _("Heard directly")),
                ("via_client", _("Via the client")),
                ("via_client_share", _("Share via the client %")),
            ],
            comp_points,
            charts.bar_line_chart(
                _("Complaints by source"),
                comp_labels,
                [
                    (_("Heard directly"), [p["direct"] for p in comp_points]),
                    (_("Via the client"), [p["via_client"] for p in comp_points]),
                ],
            ),
        ),
        Table(
            "complaints-share",
            _("Share of complaints received via the client"),
            [
                ("label", period_label),
                ("via_client_share", _("Share via the client %")),
                ("total", _("Complaints")),
            ],
            comp_points,
            charts.bar_line_chart(
                _("Share of complaints received via the client"),
                comp_labels,
                [],
                [(_("Via the client"), [p["via_client_share"] for p in comp_points])],
                y_max=100,
                unit="%",
            ),
        ),
        Table(
            "complaints-category",
            _("Complaints by category"),
            [
                ("label", _("Category")),
                ("logged", _("Logged")),
                ("via_client", _("Via the client")),
                ("open", _("Open now")),
                ("overdue", _("Overdue now")),
                ("closed", _("Closed")),
                ("close_mean_hours", _("Mean time to close (h)")),
            ],
            comp["by_category"],
            charts.hbar_chart(
                _("Complaints by category"),
                [r["label"] for r in comp["by_category"]],
                [r["logged"] for r in comp["by_category"]],
            ),
        ),
        Table(
            "complaints-overdue",
            _("Overdue complaints"),
            [
                ("reference", _("Complaint")),
                ("subject", _("Subject")),
                ("source_label", _("Source")),
                ("category_label", _("Category")),
                ("severity_label", _("Severity")),
                ("status_label", _("Status")),
                ("due_local", _("Due")),
            ],
            comp["overdue"],
        ),
    ]
    return {table.key: table for table in tables}
