"""Notice pages: the staff list/editor, the client manager's read rates, the reader's page."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View

from itsm.exceptions import ApplicationError
from itsm.paging import page_of
from itsm.tenancy import Role

from . import selectors, services
from .forms import NoticeForm


class StaffMixin(LoginRequiredMixin, UserPassesTestMixin):
    def test_func(self):
        return self.request.user.is_provider_staff


class ReadRateViewerMixin(LoginRequiredMixin, UserPassesTestMixin):
    """Provider staff (rates per client) and client managers (their client's part only)."""

    def test_func(self):
        user = self.request.user
        return user.is_provider_staff or user.role == Role.CLIENT_MANAGER


def _error_text(exc) -> str:
    return str(getattr(exc, "message", None) or exc)


class NoticeListView(ReadRateViewerMixin, View):
    template_name = "reports/notice_list.html"

    def handle_no_permission(self):
        if self.request.user.is_authenticated and self.request.user.role == Role.END_USER:
            return redirect("portal:home")
        return super().handle_no_permission()

    def get(self, request):
        user = request.user
        rows = selectors.notice_list_for(user=user, now=timezone.now())
        page = page_of(rows, request.GET.get("page"), 25)
        page.object_list = selectors.notice_summaries(user=user, notices=page.object_list)
        return render(request, self.template_name, {"page": page, "now": timezone.now()})


class NoticeDetailView(LoginRequiredMixin, View):
    """Readers see the text (and are recorded as having seen it); staff and managers the rates."""

    template_name = "reports/notice_detail.html"

    def get(self, request, notice_id):
        user, now = request.user, timezone.now()
        notice = selectors.notice_get_for(user=user, notice_id=notice_id, now=now)
        context = {"notice": notice, "now": now}
        if user.role == Role.END_USER:
            receipts = services.notices_mark_seen(actor=user, notices=[notice], now=now)
            context["receipt"] = receipts.get(notice.pk)
        else:
            context["summary"] = selectors.notice_summaries(user=user, notices=[notice])[0]
        return render(request, self.template_name, context)


class NoticeFormView(StaffMixin, View):
    template_name = "reports/notice_form.html"

    def render_form(self, form, *, notice=None, status=200):
        context = {"form": form, "notice": notice}
        return render(self.request, self.template_name, context, status=status)

    def submit(self, request, save, notice=None):
        """Validate the form and hand it to `save`; a refusal re-shows what was typed."""
        form = NoticeForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                notice = save(**form.service_arguments())
            except (ApplicationError, PermissionDenied) as exc:
                form.add_error(None, _error_text(exc))
                status = 403 if isinstance(exc, PermissionDenied) else exc.status_code
                return self.render_form(form, notice=notice, status=status)
            messages.success(request, _("Notice saved."))
            return redirect("notices:notice-detail", notice_id=notice.pk)
        return self.render_form(form, notice=notice, status=400)


class NoticeCreateView(NoticeFormView):
    def get(self, request):
        now = timezone.now().replace(second=0, microsecond=0)
        form = NoticeForm(user=request.user, initial={"published_at": now})
        return self.render_form(form)

    def post(self, request):
        def save(**data):
            return services.notice_create(actor=request.user, now=timezone.now(), **data)

        return self.submit(request, save)


class NoticeEditView(NoticeFormView):
    def summary(self, notice_id):
        user = self.request.user
        notice = selectors.notice_get_for(user=user, notice_id=notice_id, now=timezone.now())
        summary = selectors.notice_summaries(user=user, notices=[notice])[0]
        if not summary.can_manage:
            raise PermissionDenied(_("This notice also addresses clients your teams do not serve."))
        return summary

    def get(self, request, notice_id):
        summary = self.summary(notice_id)
        form = NoticeForm(user=request.user, initial=NoticeForm.initial_for(summary))
        return self.render_form(form, notice=summary.notice)

    def post(self, request, notice_id):
        notice = self.summary(notice_id).notice

        def save(**data):
            return services.notice_update(
                actor=request.user, notice=notice, now=timezone.now(), **data
            )

        return self.submit(request, save, notice)


class NoticeWithdrawView(StaffMixin, View):
    def post(self, request, notice_id):
        user, now = request.user, timezone.now()
        notice = selectors.notice_get_for(user=user, notice_id=notice_id, now=now)
        services.notice_withdraw(actor=user, notice=notice, now=now)
        messages.success(request, _("Notice withdrawn: readers no longer see it."))
        return redirect("notices:notice-detail", notice_id=notice.pk)


class NoticeAcknowledgeView(LoginRequiredMixin, View):
    """The reader's “Got it”; goes back to the page it was pressed on."""

    def post(self, request, notice_id):
        user, now = request.user, timezone.now()
        notice = selectors.notice_get_for(user=user, notice_id=notice_id, now=now)
        try:
            services.notice_acknowledge(actor=user, notice=notice, now=now)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Thank you, noted."))
        target = request.POST.get("next") or reverse("notices:notice-detail", args=[notice.pk])
        if not url_has_allowed_host_and_scheme(target, {request.get_host()}):
            target = reverse("notices:notice-detail", args=[notice.pk])
        return redirect(target)


class NoticeReceiptListView(ReadRateViewerMixin, View):
    """Who was addressed, who saw and who acknowledged; a manager sees their own people only."""

    template_name = "reports/notice_receipts.html"

    def get(self, request, notice_id):
        user = request.user
        notice = selectors.notice_get_for(user=user, notice_id=notice_id, now=timezone.now())
        rows = selectors.receipt_list_for(user=user, notice=notice)
        page = page_of(rows, request.GET.get("page"), 50)
        return render(request, self.template_name, {"notice": notice, "page": page})
