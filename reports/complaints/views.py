"""Complaint pages for every role: list, log a complaint, detail with the viewer's actions."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from itsm.exceptions import ApplicationError
from itsm.paging import page_of
from tickets.presenters import due_html, options

from . import selectors, services
from .forms import CommentForm, ComplaintCreateForm, OwnerForm, RejectForm, ResolveForm, StepForm
from .models import Category, Severity, Source, Status
from .permissions import actions_for


class ComplaintListView(LoginRequiredMixin, View):
    """Staff: the complaints of the clients they serve; managers: their client's; end users: own."""

    template_name = "complaints/complaint_list.html"

    def get(self, request):
        user = request.user
        filters = selectors.list_filters(request.GET)
        page = page_of(
            selectors.complaint_list_for(user=user, filters=filters), request.GET.get("page"), 25
        )
        now = timezone.now()
        for row in page:
            row.due_html = due_html(row.pending_due_at, now)
        context = {
            "page": page,
            "filters": filters,
            "status_options": options(Status.choices, filters.get("status")),
            "severity_options": options(Severity.choices, filters.get("severity")),
            "source_options": options(Source.choices, filters.get("source")),
            "category_options": options(Category.choices, filters.get("category")),
            "client_options": (
                options(
                    ((c.pk, c.name) for c in selectors.clients_for(user=user)),
                    filters.get("client"),
                )
                if user.is_provider_staff
                else []
            ),
        }
        return render(request, self.template_name, context)


class ComplaintCreateView(LoginRequiredMixin, View):
    """One page, shaped by the role: an end user complains (directly), a client manager logs
    what users told the client, an agent logs what was heard on the phone."""

    template_name = "complaints/complaint_new.html"

    def get(self, request):
        user = request.user
        ticket = selectors.ticket_for_complaint(user=user, ticket_id=request.GET.get("ticket"))
        initial = {}
        if ticket is not None:
            initial = {
                "ticket_refs": ticket.reference,
                "subject": ticket.subject,
                "category": Category.NOT_RESOLVED,
                "client": ticket.client_id,
            }
        form = ComplaintCreateForm(user=user, initial=initial)
        return render(request, self.template_name, {"form": form, "ticket": ticket})

    def post(self, request):
        user = request.user
        form = ComplaintCreateForm(request.POST, user=user)
        if form.is_valid():
            try:
                complaint = services.complaint_open(actor=user, **form.service_arguments())
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request,
                    _("Complaint %(ref)s logged. We will acknowledge it shortly.")
                    % {"ref": complaint.reference},
                )
                return redirect("complaints:complaint-detail", complaint_id=complaint.pk)
        return render(request, self.template_name, {"form": form, "ticket": None}, status=400)


class ComplaintDetailView(LoginRequiredMixin, View):
    """The complaint, its timeline as the viewer may see it, and the moves they may make."""

    template_name = "complaints/complaint_detail.html"
    FORMS = {
        "acknowledge": StepForm,
        "investigate": StepForm,
        "resolve": ResolveForm,
        "accept": StepForm,
        "reject": RejectForm,
        "comment": CommentForm,
    }

    def forms_for(self, complaint, data=None, action=None):
        def bound(name):
            return data if action == name else None

        forms = {f"{name}_form": form(bound(name)) for name, form in self.FORMS.items()}
        forms["owner_form"] = OwnerForm(
            bound("owner"),
            handlers=selectors.handlers_for(client_id=complaint.client_id),
            initial={"owner": complaint.owner_id},
        )
        return forms

    def render_page(self, complaint, forms, error=None, status=200):
        user = self.request.user
        context = {
            "complaint": complaint,
            "events": selectors.complaint_events_for(user=user, complaint=complaint),
            "actions": actions_for(user, complaint),
            "error": error,
            **forms,
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, complaint_id):
        complaint = selectors.complaint_get_for(user=request.user, complaint_id=complaint_id)
        return self.render_page(complaint, self.forms_for(complaint))

    def post(self, request, complaint_id):
        complaint = selectors.complaint_get_for(user=request.user, complaint_id=complaint_id)
        action = request.POST.get("action")
        if action == "note":
            action = "comment"
        if action not in {*self.FORMS, "owner"}:
            return self.render_page(complaint, self.forms_for(complaint), _("Unknown action."), 400)
        forms = self.forms_for(complaint, request.POST, action)
        form = forms[f"{action}_form"]
        if not form.is_valid():
            error = _("Please correct the marked fields.")
            return self.render_page(complaint, forms, error, 400)
        try:
            self.perform(action, complaint, form.cleaned_data)
        except ApplicationError as exc:
            return self.render_page(complaint, forms, exc.message, exc.status_code)
        except PermissionDenied as exc:
            return self.render_page(complaint, forms, str(exc), 403)
        messages.success(request, _("Saved."))
        return redirect("complaints:complaint-detail", complaint_id=complaint.pk)

    def perform(self, action, complaint, data):
        actor = self.request.user
        common = {"actor": actor, "complaint": complaint}
        if action == "acknowledge":
            services.complaint_acknowledge(**common, comment=data["comment"])
        elif action == "investigate":
            services.complaint_investigate(**common, comment=data["comment"])
        elif action == "resolve":
            services.complaint_resolve(
                **common,
                root_cause=data["root_cause"],
                corrective_action=data["corrective_action"],
                comment=data["comment"],
            )
        elif action == "accept":
            services.complaint_accept(**common, comment=data["comment"])
        elif action == "reject":
            services.complaint_reject(**common, reason=data["reason"])
        elif action == "owner":
            services.complaint_assign_owner(**common, owner=data["owner"])
        else:
            services.complaint_comment(**common, body=data["body"], internal=data["internal"])
