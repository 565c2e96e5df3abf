"""Server-rendered SVG charts: pure functions from numbers to markup.

No JavaScript and nothing fetched from elsewhere; the same SVG can be embedded in a PDF report.
Every text is escaped here, so the result may be marked safe.
"""

from django.utils.html import escape

# A narrow view box with large type: scaled down to a phone's width the text stays readable.
W, H = 480, 250
LEFT, RIGHT, TOP, BOTTOM = 40, 8, 30, 36
FONT = "'Noto Sans CJK SC','Noto Sans SC','WenQuanYi Micro Hei','Microsoft YaHei',sans-serif"
COLORS = ("#2563eb", "#16a34a", "#d97706", "#dc2626", "#7c3aed")


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if value <= step * 4:
            return step * 4
    magnitude = 10 ** (len(str(int(value))) - 1)
    return ((int(value) // magnitude) + 1) * magnitude


def _frame(title: str, body: list[str], legend: list[tuple[str, str]], height: int = H) -> str:
    items = "".join(
        f'<rect x="{LEFT + i * 120}" y="8" width="10" height="10" fill="{color}"/>'
        f'<text x="{LEFT + i * 120 + 14}" y="17" font-size="13">{escape(name)}</text>'
        for i, (name, color) in enumerate(legend)
    )
    return (
        f'<svg class="chart" viewBox="0 0 {W} {height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg" '
        f'font-family="{FONT}" preserveAspectRatio="xMidYMid meet">'
        f"<title>{escape(title)}</title>{items}{''.join(body)}</svg>"
    )


def _axis(y_max: float, unit: str = "") -> list[str]:
    plot_h = H - TOP - BOTTOM
    parts = []
    for i in range(5):
        value = y_max * i / 4
        y = H - BOTTOM - plot_h * i / 4
        label = f"{value:g}{unit}"
        parts.append(
            f'<line x1="{LEFT}" x2="{W - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#e5e7eb"/>'
            f'<text x="{LEFT - 4}" y="{y + 4:.1f}" font-size="12" text-anchor="end">'
            f"{escape(label)}</text>"
        )
    return parts


def _x_labels(labels: list[str], step: float) -> list[str]:
    every = max(1, -(-len(labels) // 6))
    return [
        f'<text x="{LEFT + step * (i + 0.5):.1f}" y="{H - BOTTOM + 14}" font-size="12" '
        f'text-anchor="middle">{escape(label[-5:] if len(label) == 10 else label)}</text>'
        for i, label in enumerate(labels)
        if i % every == 0
    ]


def bar_line_chart(
    title: str,
    labels: list[str],
    bars: list[tuple[str, list[float | None]]],
    lines: list[tuple[str, list[float | None]]] = (),
    *,
    y_max: float | None = None,
    unit: str = "",
) -> str:
    """Grouped bars and lines over the same x axis (time buckets)."""
    values = [v for _n, vs in [*bars, *lines] for v in vs if v is not None]
    top = y_max or _nice_max(max(values, default=0))
    plot_w, plot_h = W - LEFT - RIGHT, H - TOP - BOTTOM
    step = plot_w / max(len(labels), 1)
    body = _axis(top, unit)
    width = step * 0.8 / max(len(bars), 1)
    for b, (_name, vs) in enumerate(bars):
        for i, v in enumerate(vs):
            if not v:
                continue
            h = plot_h * v / top
            x = LEFT + step * i + step * 0.1 + width * b
            body.append(
                f'<rect x="{x:.1f}" y="{H - BOTTOM - h:.1f}" width="{width:.1f}" '
                f'height="{h:.1f}" fill="{COLORS[b]}"><title>{escape(labels[i])}: {v:g}</title>'
                "</rect>"
            )
    for k, (_name, vs) in enumerate(lines):
        color = COLORS[(len(bars) + k) % len(COLORS)]
        points = [
            f"{LEFT + step * (i + 0.5):.1f},{H - BOTTOM - plot_h * v / top:.1f}"
            for i, v in enumerate(vs)
            if v is not None
        ]
        if points:
            body.append(
                f'<polyline fill="none" stroke="{color}" stroke-width="2" '
                f'points="{" ".join(points)}"/>'
            )
            body += [
                f'<circle cx="{p.split(",")[0]}" cy="{p.split(",")[1]}" r="2.5" fill="{color}"/>'
                for p in points
            ]
    body += _x_labels(labels, step)
    legend = [(name, COLORS[i % len(COLORS)]) for i, (name, _v) in enumerate([*bars, *lines])]
    return _frame(title, body, legend)


def hbar_chart(title: str, labels: list[str], values: list[float], *, unit: str = "") -> str:
    """Horizontal bars, one per label (top categories, sites, the CSAT distribution)."""
    row_h = 26
    height = 8 + row_h * max(len(labels), 1) + 8
    name_w = 120
    plot_w = W - name_w - RIGHT - 50
    top = max(values, default=0) or 1
    body = []
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = 8 + row_h * i
        w = plot_w * (value or 0) / top
        short = label if len(label) <= 10 else label[:9] + "…"
        body.append(
            f'<text x="{name_w - 6}" y="{y + 16}" font-size="13" text-anchor="end">'
            f"{escape(short)}</text>"
            f'<rect x="{name_w}" y="{y + 4}" width="{w:.1f}" height="{row_h - 8}" '
            f'fill="{COLORS[0]}"><title>{escape(label)}: {value:g}</title></rect>'
            f'<text x="{name_w + w + 4:.1f}" y="{y + 16}" font-size="13">'
            f"{escape(f'{value:g}{unit}')}</text>"
        )
    return _frame(title, body, [], height)
