"""The report as PDF, drawn with reportlab (pure Python, installs from PyPI alone).

All text, Chinese and Latin, charts and page footers included, is set in one TrueType font
(fonts.py) embedded as a subset with a Unicode map, so the file looks the same in every reader
and its text stays extractable. Nothing falls back to the canvas's default Helvetica.
"""

import io
import math
from xml.sax.saxutils import escape
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _
from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.flowables import HRFlowable

from .content import ReportContent
from .fonts import FONT, report_font

BLUE, GREEN, RED = (
    colors.HexColor("#2563eb"),
    colors.HexColor("#16a34a"),
    colors.HexColor("#dc2626"),
)
GRID = colors.HexColor("#d1d5db")
WIDTH = A4[0] - 36 * mm


def _style(name: str, size: float, **kw) -> ParagraphStyle:
    return ParagraphStyle(
        name, fontName=FONT, fontSize=size, leading=size * 1.45, wordWrap="CJK", **kw
    )


TITLE = _style("title", 26, alignment=TA_CENTER, spaceAfter=8 * mm)
SUBTITLE = _style("subtitle", 15, alignment=TA_CENTER, spaceAfter=4 * mm)
H2 = _style("h2", 14, spaceBefore=6 * mm, spaceAfter=3 * mm, textColor=colors.HexColor("#1e3a8a"))
BODY = _style("body", 10)
SMALL = _style("small", 8.5, textColor=colors.HexColor("#4b5563"))
CELL = _style("cell", 8.5)


def _text(value) -> str:
    return escape("—" if value is None or value == "" else str(value))


def _pct(value) -> str:
    return "—" if value is None else f"{value}%"


def _table(header: list[str], rows: list[list], widths: list[float] | None = None) -> Table:
    if widths is None:
        # The first column holds names; the figures share the rest.
        rest = (WIDTH * 0.72) / max(len(header) - 1, 1)
        widths = [WIDTH * 0.28] + [rest] * (len(header) - 1)
    data = [[Paragraph(_text(h), CELL) for h in header]]
    data += [[Paragraph(_text(v), CELL) for v in row] for row in rows]
    table = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                # Cells hold paragraphs, but the table sets its own font per cell first.
                ("FONT", (0, 0), (-1, -1), FONT),
                ("GRID", (0, 0), (-1, -1), 0.4, GRID),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef2ff")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _kpis(content: ReportContent) -> Table:
    s = content.summary
    sla = content.dashboard["sections"]["sla"]["figures"]
    rows = [
        [_("SLA compliance"), _pct(s["compliance"])],
        [_("Response compliance"), _pct(s["response_compliance"])],
        [_("Resolution compliance"), _pct(s["resolution_compliance"])],
        [_("SLA breaches"), s["breaches"]],
        [_("Mean time to respond (business h)"), sla["respond_mean_hours"]],
        [_("Mean time to resolve (business h)"), sla["resolve_mean_hours"]],
        [_("Tickets opened"), s["opened"]],
        [_("Tickets resolved"), s["resolved"]],
        [
            _("Satisfaction (CSAT, 1-5)"),
            _("%(csat)s from %(rated)s ratings (response rate %(rate)s)")
            % {
                "csat": _text(s["csat"]),
                "rated": s["rated"],
                "rate": _pct(s["csat_response_rate"]),
            },
        ],
    ]
    return _table([_("Figure"), _("This period")], rows, [WIDTH * 0.5, WIDTH * 0.5])


def _drawing(height: float) -> Drawing:
    drawing = Drawing(WIDTH, height)
    # The renderer opens every drawing in this font (its default would be Helvetica).
    drawing.initialFontName = FONT
    return drawing


def _count_axis(chart, y_max, values) -> None:
    """Percent axes stop at y_max; count axes step by whole numbers (no 0.2 tickets)."""
    if y_max:
        chart.valueAxis.valueMax = y_max
        return
    top = max([v or 0 for v in values] or [0])
    step = max(1, math.ceil(top / 5))
    chart.valueAxis.valueStep = step
    chart.valueAxis.valueMax = max(step * 5, step * math.ceil(top / step))


def _bar_chart(title: str, labels: list[str], series: list[tuple[str, list]], y_max=None):
    drawing = _drawing(62 * mm)
    chart = VerticalBarChart()
    chart.x, chart.y = 12 * mm, 12 * mm
    chart.width, chart.height = WIDTH - 20 * mm, 40 * mm
    chart.data = [[v or 0 for v in values] for _name, values in series] or [[0]]
    chart.categoryAxis.categoryNames = labels
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 6
    every = max(1, len(labels) // 10)
    chart.categoryAxis.categoryNames = [
        label[-5:] if i % every == 0 else "" for i, label in enumerate(labels)
    ]
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    _count_axis(chart, y_max, [v for _n, values in series for v in values])
    for i, color in enumerate((BLUE, GREEN, RED)[: len(series)]):
        chart.bars[i].fillColor = color
        chart.bars[i].strokeColor = None
    drawing.add(chart)
    drawing.add(String(12 * mm, 57 * mm, title, fontName=FONT, fontSize=10))
    legend = Legend()
    legend.x, legend.y = WIDTH - 60 * mm, 60 * mm
    legend.fontName, legend.fontSize = FONT, 8
    legend.alignment = "right"
    legend.columnMaximum = 1
    legend.colorNamePairs = [
        (color, name) for color, (name, _v) in zip((BLUE, GREEN, RED), series, strict=False)
    ]
    drawing.add(legend)
    return drawing


def _hbar_chart(title: str, labels: list[str], values: list, unit_max=None):
    height = max(30 * mm, (len(labels) * 7 + 20) * mm / 1.5)
    drawing = _drawing(height)
    chart = HorizontalBarChart()
    chart.x, chart.y = 45 * mm, 6 * mm
    chart.width, chart.height = WIDTH - 60 * mm, height - 18 * mm
    chart.data = [[v or 0 for v in values] or [0]]
    chart.categoryAxis.categoryNames = [label[:16] for label in labels] or [""]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 8
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    _count_axis(chart, unit_max, values)
    chart.bars[0].fillColor = BLUE
    chart.bars[0].strokeColor = None
    drawing.add(chart)
    drawing.add(String(0, height - 9, title, fontName=FONT, fontSize=10))
    return drawing


def _breakdown_rows(rows: list[dict]) -> list[list]:
    return [
        [
            r["label"],
            r["opened"],
            r["resolved"],
            _pct(r["response_compliance"]),
            _pct(r["resolution_compliance"]),
            r["breaches"],
            r["csat"],
        ]
        for r in rows
    ]


def _breakdown_header(first: str) -> list[str]:
    return [
        first,
        _("Opened"),
        _("Resolved"),
        _("Response compliance %"),
        _("Resolution compliance %"),
        _("Breaches"),
        _("CSAT"),
    ]


def _complaints(content: ReportContent) -> list:
    """Counts by source from the dashboard's section, then the complaints settled in the
    period with their root cause and corrective action, then those open at the period's end."""
    figures = content.dashboard["sections"]["complaints"]["figures"]
    story = [
        Paragraph(_text(_("Complaints")), H2),
        Paragraph(
            _text(
                _(
                    "%(total)s complaints logged: %(direct)s heard directly, %(via)s via the "
                    "client (%(share)s via the client)."
                )
                % {
                    "total": figures["total"],
                    "direct": figures["direct"],
                    "via": figures["via_client"],
                    "share": _pct(figures["via_client_share"]),
                }
            ),
            BODY,
        ),
    ]
    settled, still_open = content.complaints["settled"], content.complaints["open_at_end"]
    story.append(Paragraph(_text(_("Complaints resolved or closed in the period")), H2))
    if settled:
        story.append(
            _table(
                [
                    _("Complaint"),
                    _("Category"),
                    _("Severity"),
                    _("Source"),
                    _("Root cause"),
                    _("Corrective action"),
                ],
                [
                    [
                        c["reference"],
                        c["category_label"],
                        c["severity_label"],
                        c["source_label"],
                        c["root_cause"],
                        c["corrective_action"],
                    ]
                    for c in settled
                ],
                [WIDTH * w for w in (0.13, 0.13, 0.09, 0.12, 0.265, 0.265)],
            )
        )
    else:
        story.append(Paragraph(_text(_("No complaint was resolved or closed.")), BODY))
    story.append(Paragraph(_text(_("Complaints still open at the period's end")), H2))
    if still_open:
        story.append(
            _table(
                [_("Complaint"), _("Category"), _("Severity"), _("Source"), _("Logged")],
                [
                    [
                        c["reference"],
                        c["category_label"],
                        c["severity_label"],
                        c["source_label"],
                        c["logged_local"],
                    ]
                    for c in still_open
                ],
                [WIDTH * w for w in (0.2, 0.2, 0.15, 0.25, 0.2)],
            )
        )
    else:
        story.append(Paragraph(_text(_("No complaint was open.")), BODY))
    return story


def _local(moment, tz: str) -> str:
    return f"{moment.astimezone(ZoneInfo(tz)):%Y-%m-%d %H:%M}" if moment else ""


def _on_page(canvas, doc, footer: str) -> None:
    canvas.saveState()
    canvas.setFont(FONT, 8)
    canvas.setFillColor(colors.HexColor("#6b7280"))
    canvas.drawString(18 * mm, 10 * mm, footer)
    canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, str(doc.page))
    canvas.restoreState()


def render_pdf(content: ReportContent, *, report, progress=None) -> bytes:
    """The PDF of `content` in the active language. `report` gives version, next steps and the
    correction note; `progress()` is called between sections so the page can show it."""
    report_font()
    client, period = content.client, content.period
    d = content.dashboard["sections"]
    period_text = f"{period.start:%Y-%m-%d} — {period.end:%Y-%m-%d}"
    story = [
        Spacer(1, 40 * mm),
        Paragraph(_text(client.name), TITLE),
        Paragraph(_text(_("Monthly service report")), SUBTITLE),
        Paragraph(_text(period_text), SUBTITLE),
        Paragraph(
            _text(
                _("Version %(version)s, generated %(when)s (%(tz)s)")
                % {
                    "version": report.version,
                    "when": _local(report.generated_at, client.time_zone),
                    "tz": client.time_zone,
                }
            ),
            _style("cover-small", 10, alignment=TA_CENTER, spaceAfter=10 * mm),
        ),
        _kpis(content),
    ]
    if report.correction_note:
        story += [
            Paragraph(_text(_("What this version corrects")), H2),
            Paragraph(_text(report.correction_note), BODY),
        ]
    story.append(PageBreak())

    sla = d["sla"]
    story += [
        Paragraph(_text(_("SLA compliance")), H2),
        Paragraph(
            _text(
                _(
                    "%(compliance)s of %(decided)s SLA outcomes met (previous period: %(prev)s); "
                    "%(breaches)s breaches; %(overdue)s open tickets past their due time now."
                )
                % {
                    "compliance": _pct(sla["figures"]["compliance"]),
                    "decided": sla["figures"]["decided"],
                    "prev": _pct(sla["previous"]["compliance"]),
                    "breaches": sla["figures"]["breaches"],
                    "overdue": sla["open_overdue"],
                }
            ),
            BODY,
        ),
        Spacer(1, 3 * mm),
    ]
    by_priority = sla["by"]["priority"]
    story.append(
        _bar_chart(
            _("Compliance by priority (%)"),
            [r["label"] for r in by_priority],
            [
                (_("Response"), [r["response_compliance"] for r in by_priority]),
                (_("Resolution"), [r["resolution_compliance"] for r in by_priority]),
            ],
            y_max=100,
        )
    )
    for key, first in (("tier", _("Tier")), ("priority", _("Priority"))):
        title = {"tier": _("SLA by service tier"), "priority": _("SLA by priority")}[key]
        story += [
            Paragraph(_text(title), H2),
            _table(_breakdown_header(first), _breakdown_rows(sla["by"][key])),
        ]
    if progress:
        progress()

    volume = d["volume"]
    points = volume["series"]
    story += [
        Paragraph(_text(_("Volume")), H2),
        _bar_chart(
            _("Tickets opened and resolved"),
            [p["label"] for p in points],
            [
                (_("Opened"), [p["opened"] for p in points]),
                (_("Resolved"), [p["resolved"] for p in points]),
            ],
        ),
        Paragraph(
            _text(
                _(
                    "Opened %(opened)s, resolved %(resolved)s, reopen rate %(reopen)s, "
                    "repeat contacts %(repeat)s."
                )
                % {
                    "opened": volume["figures"]["opened"],
                    "resolved": volume["figures"]["resolved"],
                    "reopen": _pct(volume["figures"]["reopen_rate"]),
                    "repeat": volume["figures"]["repeat_contacts"],
                }
            ),
            BODY,
        ),
    ]
    sat = d["satisfaction"]["figures"]
    story += [
        Paragraph(_text(_("Satisfaction")), H2),
        Paragraph(
            _text(
                _(
                    "Average %(csat)s from %(rated)s ratings of %(sent)s surveys sent "
                    "(response rate %(rate)s)."
                )
                % {
                    "csat": _text(sat["csat"]),
                    "rated": sat["rated"],
                    "sent": sat["sent"],
                    "rate": _pct(sat["response_rate"]),
                }
            ),
            BODY,
        ),
        _hbar_chart(
            _("Ratings per score"),
            [f"{row['score']}" for row in sat["distribution"]],
            [row["count"] for row in sat["distribution"]],
        ),
    ]
    low = d["satisfaction"]["low_scores"]
    if low:
        story += [
            Paragraph(_text(_("Low scores")), H2),
            _table(
                [_("Ticket"), _("Score"), _("Comment")],
                [[r["reference"], r["score"], r["comment"]] for r in low],
                [WIDTH * 0.2, WIDTH * 0.1, WIDTH * 0.7],
            ),
        ]
    fair = d["fairness"]
    story.append(Paragraph(_text(_("Fairness between service tiers and sites")), H2))
    overall = fair["overall"]
    story.append(
        Paragraph(
            _text(
                _("Client average: compliance %(compliance)s, CSAT %(csat)s.")
                % {"compliance": _pct(overall["compliance"]), "csat": _text(overall["csat"])}
            ),
            BODY,
        )
    )
    fair_header = [
        _("Group"),
        _("SLA compliance %"),
        _("Mean time to resolve (business h)"),
        _("CSAT"),
        _("Below the client's average"),
    ]
    marks = {"compliance": _("compliance"), "csat": _("CSAT"), "resolve": _("time to resolve")}
    fair_rows = [
        [
            r["label"],
            _pct(r["compliance"]),
            r["resolve_mean_hours"],
            r["csat"],
            ", ".join(str(marks[m]) for m in r["marks"]),
        ]
        for r in fair["tiers"] + fair["sites"]
    ]
    story.append(_table(fair_header, fair_rows))
    if progress:
        progress()

    story.append(Paragraph(_text(_("Notable incidents (breached P1/P2)")), H2))
    if content.incidents:
        story.append(
            _table(
                [_("Ticket"), _("Subject"), _("Priority"), _("Clock"), _("Breached at")],
                [
                    [
                        i["reference"],
                        i["subject"],
                        i["priority"],
                        i["kind_label"],
                        i["breached_local"],
                    ]
                    for i in content.incidents
                ],
                [WIDTH * 0.16, WIDTH * 0.4, WIDTH * 0.1, WIDTH * 0.14, WIDTH * 0.2],
            )
        )
    else:
        story.append(Paragraph(_text(_("No P1 or P2 ticket breached its SLA.")), BODY))
    story += _complaints(content)
    story += [
        KeepTogether(
            [
                Paragraph(_text(_("Next steps")), H2),
                Paragraph(
                    _text(report.next_steps or _("None recorded by the provider.")).replace(
                        "\n", "<br/>"
                    ),
                    BODY,
                ),
            ]
        ),
        Spacer(1, 6 * mm),
        HRFlowable(width="100%", color=GRID),
        Paragraph(
            _text(
                _("Figures from the service desk's daily roll-ups, days in %(tz)s.")
                % {"tz": client.time_zone}
            ),
            SMALL,
        ),
    ]
    out = io.BytesIO()
    footer = f"{client.name} | {_('Monthly service report')} | {period_text} | v{report.version}"
    doc = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=18 * mm,
        title=f"{client.name} {_('Monthly service report')} {period_text}",
        author=_("IT Service Desk"),
        # The canvas would otherwise open each page with Helvetica, a font not embedded.
        initialFontName=FONT,
    )
    doc.build(
        story,
        onFirstPage=lambda c, dd: _on_page(c, dd, footer),
        onLaterPages=lambda c, dd: _on_page(c, dd, footer),
    )
    return out.getvalue()
