"""Pages of the monthly reports: list and request, detail with progress, actions, downloads,
and the staff's sign-off board. Files are served only by ReportDownloadView."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from audit.models import AuditEvent
from audit.services import audit_record
from itsm.exceptions import ApplicationError
from itsm.paging import page_of
from reports.dashboards.selectors import dashboard_clients_for

from . import selectors, services
from .forms import CommentForm, CorrectionForm, ReportRequestForm, RequiredCommentForm
from .models import MonthlyReport
from .permissions import may_use_reports

PER_PAGE = 24
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _error(exc) -> str:
    return str(getattr(exc, "message", None) or exc)


class ReportListView(LoginRequiredMixin, View):
    template_name = "monthly/report_list.html"

    def get(self, request, form=None, error=None, status=200):
        user = request.user
        client_id = request.POST.get("client") if form is not None else request.GET.get("client")
        client = selectors.report_client_get_for(user=user, client_id=client_id)
        reports = selectors.monthly_report_list_for(user=user, client=client)
        context = {
            "client": client,
            "clients": dashboard_clients_for(user=user) if user.is_provider_staff else [],
            "page": page_of(reports, request.GET.get("page"), PER_PAGE),
            "form": form or ReportRequestForm(),
            "error": error,
        }
        return render(request, self.template_name, context, status=status)

    def post(self, request):
        user = request.user
        client = selectors.report_client_get_for(user=user, client_id=request.POST.get("client"))
        form = ReportRequestForm(request.POST)
        if not form.is_valid():
            return self.get(request, form=form, status=400)
        try:
            report, _created = services.monthly_report_request(
                actor=user,
                client=client,
                start=form.cleaned_data["start"],
                end=form.cleaned_data["end"],
                next_steps=form.cleaned_data.get("next_steps") or "",
                now=timezone.now(),
            )
        except ApplicationError as exc:
            return self.get(request, form=form, error=_error(exc), status=400)
        return redirect("monthly:report-detail", report.pk)


class ReportDetailView(LoginRequiredMixin, View):
    template_name = "monthly/report_detail.html"

    def get(self, request, report_id, forms=None, error=None, status=200):
        user = request.user
        if not may_use_reports(user):
            raise PermissionDenied(_("Reports are for client managers and the service desk."))
        report = selectors.monthly_report_get_for(user=user, report_id=report_id)
        is_manager = user.role == "client_manager"
        open_for_sign_off = (
            report.is_current
            and report.status == MonthlyReport.Status.READY
            and report.sign_off != MonthlyReport.SignOff.SIGNED
        )
        forms = forms or {}
        context = {
            "report": report,
            "versions": selectors.report_versions_for(user=user, report=report),
            "actions": selectors.report_actions_for(user=user, report=report),
            "generating": report.status == MonthlyReport.Status.GENERATING,
            "may_sign": is_manager and open_for_sign_off,
            "may_answer": user.is_provider_staff
            and report.is_current
            and report.sign_off == MonthlyReport.SignOff.DISPUTED,
            "may_correct": user.is_provider_staff and open_for_sign_off,
            "sign_form": forms.get("sign-off") or CommentForm(),
            "dispute_form": forms.get("dispute") or RequiredCommentForm(),
            "answer_form": forms.get("answer") or RequiredCommentForm(),
            "correct_form": forms.get("correct")
            or CorrectionForm(initial={"next_steps": report.next_steps}),
            "error": error,
        }
        return render(request, self.template_name, context, status=status)


ACTIONS = {
    "sign-off": (CommentForm, services.monthly_report_sign_off),
    "dispute": (RequiredCommentForm, services.monthly_report_dispute),
    "answer": (RequiredCommentForm, services.monthly_report_answer),
    "correct": (CorrectionForm, services.monthly_report_correct),
}


class ReportActionView(LoginRequiredMixin, View):
    """POST one action on a report; a refused action re-renders the page with the text kept."""

    action = ""

    def post(self, request, report_id):
        report = selectors.monthly_report_get_for(user=request.user, report_id=report_id)
        form_class, service = ACTIONS[self.action]
        form = form_class(request.POST)
        detail = ReportDetailView()
        if not form.is_valid():
            return detail.get(request, report_id, forms={self.action: form}, status=400)
        try:
            result = service(
                actor=request.user, report=report, now=timezone.now(), **form.cleaned_data
            )
        except ApplicationError as exc:
            return detail.get(
                request, report_id, forms={self.action: form}, error=_error(exc), status=400
            )
        return redirect("monthly:report-detail", result.pk)


class ReportDownloadView(LoginRequiredMixin, View):
    """The only way to a report's files: the same visibility as the report itself."""

    def get(self, request, report_id, kind):
        if kind not in CONTENT_TYPES:
            raise Http404(_("No such file."))
        report = selectors.monthly_report_get_for(user=request.user, report_id=report_id)
        return report_file_response(report, kind, request=request)


def report_file_response(report: MonthlyReport, kind: str, *, request) -> FileResponse:
    field = getattr(report, kind)
    if report.status != MonthlyReport.Status.READY or not field:
        raise Http404(_("The report is not ready yet."))
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.REPORT_DOWNLOAD,
        subject_user=request.user,
        client=report.client,
        request=request,
        changes={"report": report.pk, "kind": kind},
    )
    response = FileResponse(
        field.open("rb"),
        as_attachment=True,
        filename=report.file_name(kind),
        content_type=CONTENT_TYPES[kind],
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


class ReportBoardView(LoginRequiredMixin, View):
    template_name = "monthly/report_board.html"

    def get(self, request):
        rows = selectors.report_board_for(user=request.user)
        return render(request, self.template_name, {"rows": rows})
