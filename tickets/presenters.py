"""Display values for list rows, prepared in Python: the queue renders 50 rows per request and
the template engine's per-row filters (lazy labels, date formatting, URL reversing) cost more
than the query itself."""

from django.urls import reverse
from django.utils import timezone

from .models import Status

URL_PLACEHOLDER = 2_000_000_001


def url_maker(name: str):
    """`reverse` once; the ticket id is the only part that changes."""
    template = reverse(name, args=[URL_PLACEHOLDER]).replace(str(URL_PLACEHOLDER), "{}")
    return template.format


def prepare_rows(rows, *, detail_url: str) -> None:
    labels = {value: str(label) for value, label in Status.choices}
    make_url = url_maker(detail_url)
    tz = timezone.get_current_timezone()
    for row in rows:
        row.status_label = labels.get(row.status, row.status)
        row.created_label = row.created_at.astimezone(tz).strftime("%Y-%m-%d %H:%M")
        row.url = make_url(row.pk)


def options(choices, selected) -> list[tuple[str, str, bool]]:
    """(value, label, is_selected) for a <select>, compared as strings like the query string."""
    selected = "" if selected is None else str(selected)
    return [(str(value), str(label), str(value) == selected) for value, label in choices]
