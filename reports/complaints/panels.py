"""What tickets show of complaints: a workspace panel and a flag in the queue row."""

from django.utils.html import format_html
from django.utils.translation import gettext as _

from .selectors import open_complaints_for_ticket, tickets_with_open_complaints


def complaint_workspace_panel(*, user, ticket) -> tuple[str, dict]:
    return "complaints/_panel.html", {
        "ticket": ticket,
        "complaints": list(open_complaints_for_ticket(user=user, ticket=ticket)),
    }


def queue_complaint_flags(rows) -> None:
    """Mark the queue rows whose ticket an open complaint names: one query per page."""
    flagged = tickets_with_open_complaints([row.pk for row in rows])
    label = _("Complaint")
    for row in rows:
        row.flags = (
            format_html(' <span class="badge complaint-flag">{}</span>', label)
            if row.pk in flagged
            else ""
        )
