"""The audit log pages: the list with filters and its CSV export (itself recorded)."""

import csv

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from itsm.paging import page_of
from itsm.spreadsheet import cell_row

from . import selectors
from .models import AuditEvent
from .services import audit_record

EXPORT_LIMIT = 100_000


class AuditListView(LoginRequiredMixin, View):
    template_name = "audit/event_list.html"

    def get(self, request):
        filters = selectors.AuditFilters.from_query(request.GET)
        rows = selectors.audit_events_for(user=request.user, filters=filters)
        page = page_of(rows, request.GET.get("page"))
        return render(
            request,
            self.template_name,
            {
                "page": page,
                "filters": filters,
                "actions": AuditEvent.Action.choices,
                "export_query": request.GET.urlencode(),
            },
        )


class _Echo:
    def write(self, value):
        return value


def _csv_rows(rows):
    writer = csv.writer(_Echo())
    yield writer.writerow(
        [_("Time"), _("Action"), _("Actor"), _("Person concerned"), _("IP address"), _("Changes")]
    )
    for event in rows.iterator(chunk_size=1000):
        yield writer.writerow(
            cell_row(
                [
                    event.at.isoformat(),
                    event.action,
                    event.actor_label,
                    event.subject_user.get_username() if event.subject_user else "",
                    event.ip or "",
                    event.changes_text,
                ]
            )
        )


class AuditExportView(LoginRequiredMixin, View):
    """The filtered log as CSV, streamed; the export itself is the newest audit row."""

    def get(self, request):
        filters = selectors.AuditFilters.from_query(request.GET)
        rows = selectors.audit_events_for(user=request.user, filters=filters)
        rows = rows[:EXPORT_LIMIT]
        audit_record(
            actor=request.user,
            action=AuditEvent.Action.AUDIT_EXPORT,
            subject_user=request.user,
            request=request,
            changes={"filters": filters.as_changes()},
        )
        response = StreamingHttpResponse(_csv_rows(rows), content_type="text/csv; charset=utf-8")
        name = f"audit-{timezone.localdate():%Y%m%d}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        response["Cache-Control"] = "private, no-store"
        return response
