"""Staff pages of the email channel: the triage queue and one message with its actions."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View

from itsm.exceptions import ApplicationError
from itsm.paging import page_of
from itsm.params import parse_choice

from . import selectors, services
from .forms import AssignForm
from .models import InboundEmail


def _ensure_staff(user) -> None:
    if not user.is_provider_staff:
        raise PermissionDenied


class InboundListView(LoginRequiredMixin, View):
    """Agents see emails of the clients they serve and those not yet tied to a client."""

    def get(self, request):
        _ensure_staff(request.user)
        status = parse_choice(request.GET.get("status"), selectors.LIST_STATUSES) or "triage"
        rows = selectors.inbound_list_for(user=request.user, status=status)
        context = {
            "page": page_of(rows, request.GET.get("page"), 50),
            "status": status,
            "status_options": [("triage", _("Waiting for triage")), ("all", _("All"))]
            + [(v, label) for v, label in InboundEmail.Status.choices if v != "triage"],
        }
        return render(request, "intake/inbound_list.html", context)


class InboundDetailView(LoginRequiredMixin, View):
    template_name = "intake/inbound_detail.html"

    def get(self, request, inbound_id):
        _ensure_staff(request.user)
        row = selectors.inbound_get_for(user=request.user, inbound_id=inbound_id)
        return self._render(request, row, AssignForm(initial={"requester": row.from_address}))

    def _render(self, request, row, form, status=200):
        context = {"row": row, "form": form, "waiting": row.status == "triage"}
        return render(request, self.template_name, context, status=status)

    def post(self, request, inbound_id):
        _ensure_staff(request.user)
        user, now = request.user, timezone.now()
        row = selectors.inbound_get_for(user=user, inbound_id=inbound_id)
        action = request.POST.get("action")
        form = AssignForm(request.POST if action == "assign" else None)
        try:
            if action == "discard":
                services.inbound_discard(actor=user, inbound=row, now=now)
                messages.success(request, _("The email was discarded."))
            elif action == "invite":
                services.inbound_invite(actor=user, inbound=row, now=now)
                messages.success(request, _("An invitation was sent to the sender."))
            elif action == "assign" and form.is_valid():
                requester = selectors.requester_find(
                    user=user, address=form.cleaned_data["requester"]
                )
                if requester is None:
                    form.add_error("requester", _("No person of a client you serve has this."))
                    return self._render(request, row, form, status=400)
                row = services.inbound_assign(actor=user, inbound=row, requester=requester, now=now)
                messages.success(
                    request, _("Ticket %(ref)s was filed.") % {"ref": row.ticket.reference}
                )
            else:
                return self._render(request, row, form, status=400)
        except (ApplicationError, PermissionDenied) as exc:
            messages.error(request, str(getattr(exc, "message", "") or exc))
            return self._render(request, row, form, status=400)
        return redirect("intake:inbound-detail", row.pk)
