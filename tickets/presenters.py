"""Display values for list rows, prepared in Python: the queue renders 50 rows per request and
the template engine's per-row filters (lazy labels, date formatting, URL reversing) cost more
than the query itself."""

from datetime import datetime, timedelta

from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from .models import Status

# A due instant closer than this is shown as a warning.
DUE_SOON = timedelta(hours=1)

URL_PLACEHOLDER = 2_000_000_001
# Apps above tickets (complaints) mark rows: callable(rows) setting `row.flags` (safe HTML),
# with one query per page, never per row.
ROW_MARKERS: list = []


def url_maker(name: str):
    """`reverse` once; the ticket id is the only part that changes."""
    template = reverse(name, args=[URL_PLACEHOLDER]).replace(str(URL_PLACEHOLDER), "{}")
    return template.format


def prepare_rows(rows, *, detail_url: str, markers: bool = True) -> None:
    """Labels and links of list rows; `markers` (the staff's complaint flags) off for the
    requester's own list."""
    labels = {value: str(label) for value, label in Status.choices}
    make_url = url_maker(detail_url)
    tz = timezone.get_current_timezone()
    for row in rows:
        row.status_label = labels.get(row.status, row.status)
        row.created_label = row.created_at.astimezone(tz).strftime("%Y-%m-%d %H:%M")
        row.url = make_url(row.pk)
        row.flags = ""
    for mark in ROW_MARKERS if markers else ():
        mark(rows)


def options(choices, selected) -> list[tuple[str, str, bool]]:
    """(value, label, is_selected) for a <select>, compared as strings like the query string."""
    selected = "" if selected is None else str(selected)
    return [(str(value), str(label), str(value) == selected) for value, label in choices]


def duration_label(delta: timedelta) -> str:
    """Wall-clock duration, coarse: "2d 3h", "2h 15m", "35m", "<1m"."""
    minutes = int(delta.total_seconds() // 60)
    days, rest = divmod(minutes, 1440)
    hours, minutes = divmod(rest, 60)
    if days:
        return _("%(d)sd %(h)sh") % {"d": days, "h": hours}
    if hours:
        return _("%(h)sh %(m)sm") % {"h": hours, "m": minutes}
    if minutes:
        return _("%(m)sm") % {"m": minutes}
    return _("<1m")


def time_left_label(due_at: datetime | None, now: datetime) -> tuple[str, str]:
    """("2h 15m left", "") / ("35m left", "warning") / ("overdue 35m", "overdue"); ("", "") if none.

    Wall-clock time until the due instant (Ticket.sla_due_at, written by the SLA engine), which is
    what a person planning their day reads.
    """
    if due_at is None:
        return "", ""
    if due_at <= now:
        return _("overdue %(time)s") % {"time": duration_label(now - due_at)}, "overdue"
    css = "warning" if due_at - now <= DUE_SOON else ""
    return _("%(time)s left") % {"time": duration_label(due_at - now)}, css


def due_html(due_at: datetime | None, now: datetime) -> str:
    label, css = time_left_label(due_at, now)
    if not label:
        return "—"
    title = timezone.localtime(due_at).strftime("%Y-%m-%d %H:%M")
    return format_html('<span class="sla-due {}" title="{}">{}</span>', css, title, label)


def queue_rows_html(rows, *, now: datetime) -> str:
    """The queue's table rows (`client_name` is the client's code; `assignee_name`, `team_name`
    set by queue_lists.names_for). Built here rather than in the template: 50 rows of a dozen
    cells each cost ~15 ms in the template engine and ~1 ms as escaped format strings."""
    return format_html_join(
        "\n",
        '<tr><td class="sel"><input type="checkbox" name="tickets" value="{}:{}" aria-label="{}">'
        '</td><td class="ref"><a href="{}">{}</a></td><td class="due">{}</td>'
        '<td class="client">{}</td><td class="subject">{}{}</td>'
        '<td class="prio"><span class="badge p{}">P{}</span></td>'
        '<td class="status"><span class="badge status-{}">{}</span></td>'
        '<td class="wide">{} · {}</td><td class="wide">{}{}</td><td class="wide">{}</td></tr>',
        (
            (
                t.pk,
                t.version,
                t.reference,
                t.url,
                t.reference,
                due_html(t.sla_due_at, now),
                t.client_name,
                t.subject,
                t.flags,
                t.priority,
                t.priority,
                t.status,
                t.status_label,
                t.requester.display_name,
                t.site.name,
                t.assignee_name or "—",
                f" · {t.team_name}" if t.team_name else "",
                t.created_label,
            )
            for t in rows
        ),
    )


def ticket_rows_html(rows) -> str:
    """The end user's "my tickets" rows (after prepare_rows), as escaped format strings like
    the queue's: the template loop with its URL tag and date filter per row cost more than
    the query."""
    return format_html_join(
        "\n",
        '<tr><td class="ref"><a href="{}">{}</a></td><td>{}</td>'
        '<td><span class="badge status-{}">{}</span></td>'
        '<td><span class="badge p{}">P{}</span></td><td class="wide">{}</td>'
        '<td class="wide">{}</td><td class="wide">{}</td></tr>',
        (
            (
                t.url,
                t.reference,
                t.subject,
                t.status,
                t.status_label,
                t.priority,
                t.priority,
                t.site.name,
                t.requester.display_name,
                t.created_label,
            )
            for t in rows
        ),
    )
