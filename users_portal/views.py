"""The end user's portal: home, new ticket, my tickets, ticket detail with reply/confirm/rate."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from itsm.exceptions import ApplicationError
from itsm.paging import page_of
from itsm.tenancy import Role
from reports.notices.services import notices_mark_seen
from tickets import selectors, services
from tickets.forms import RatingForm, ReplyForm, TicketCreateForm
from tickets.models import Status

from .selectors import notices_for


@login_required
def home(request):
    """Send each role to where their work starts."""
    user = request.user
    if user.is_provider_staff:
        return redirect("tickets:ticket-queue")
    if user.role == Role.CLIENT_MANAGER:
        return redirect("tickets:ticket-client-list")
    return redirect("portal:home")


class EndUserMixin(LoginRequiredMixin, UserPassesTestMixin):
    def test_func(self):
        return self.request.user.role == Role.END_USER


class PortalHomeView(EndUserMixin, TemplateView):
    template_name = "users_portal/home.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        rows = selectors.ticket_list_for(user=user, filters={"status": "open"})
        now = timezone.now()
        notices = notices_for(user=user, now=now)
        receipts = notices_mark_seen(actor=user, notices=notices, now=now)
        return {
            **super().get_context_data(**kwargs),
            "open_tickets": rows.select_related("site").order_by("-created_at", "-id")[:10],
            "notices": [(n, receipts.get(n.pk)) for n in notices],
        }


class MyTicketListView(EndUserMixin, TemplateView):
    template_name = "users_portal/ticket_list.html"

    def get_context_data(self, **kwargs):
        filters = selectors.list_filters(self.request.GET, ("status", "q"))
        rows = selectors.ticket_list_for(user=self.request.user, filters=filters)
        rows = rows.select_related("site", "requester").order_by("-created_at", "-id")
        page = page_of(rows, self.request.GET.get("page"), 25)
        return {**super().get_context_data(**kwargs), "page": page, "filters": filters}


class TicketCreateView(EndUserMixin, View):
    template_name = "users_portal/ticket_new.html"

    def _form(self, data=None, files=None):
        user = self.request.user
        categories = selectors.categories_covered_for(client_id=user.client_id)
        return TicketCreateForm(data, files, user=user, categories=categories)

    def get(self, request):
        return render(request, self.template_name, {"form": self._form()})

    def post(self, request):
        form = self._form(request.POST, request.FILES)
        if form.is_valid():
            try:
                ticket = services.ticket_create(actor=request.user, **form.cleaned_data)
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request,
                    _("Ticket %(ref)s filed. We will get back to you.") % {"ref": ticket.reference},
                )
                return redirect("portal:ticket-detail", ticket_id=ticket.pk)
        return render(request, self.template_name, {"form": form}, status=400)


class TicketDetailView(EndUserMixin, View):
    """The public timeline, reply and attach, 'solved' / 'still broken', and the rating."""

    template_name = "users_portal/ticket_detail.html"
    STATUS_ACTIONS = {
        "confirm": Status.CLOSED,
        "reopen": Status.REOPENED,
        "withdraw": Status.CANCELLED,
    }

    def render_page(self, ticket, *, reply_form=None, rating_form=None, error=None, status=200):
        user = self.request.user
        context = {
            "ticket": ticket,
            "events": selectors.ticket_events_for(user=user, ticket=ticket),
            "rating": selectors.rating_for(user=user, ticket=ticket),
            "reply_form": reply_form or ReplyForm(),
            "rating_form": rating_form or RatingForm(),
            "error": error,
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, ticket_id):
        return self.render_page(selectors.ticket_get_for(user=request.user, ticket_id=ticket_id))

    def post(self, request, ticket_id):
        user = request.user
        ticket = selectors.ticket_get_for(user=user, ticket_id=ticket_id)
        action = request.POST.get("action")
        reply_form = ReplyForm(request.POST, request.FILES) if action == "reply" else None
        rating_form = RatingForm(request.POST) if action == "rate" else None
        try:
            if action == "reply":
                if not reply_form.is_valid():
                    raise ApplicationError(_("Please correct the marked fields."))
                data = reply_form.cleaned_data
                services.ticket_reply(
                    actor=user, ticket=ticket, body=data["body"], files=data["files"]
                )
            elif action == "rate":
                if not rating_form.is_valid():
                    raise ApplicationError(_("Choose a rating from 1 to 5."))
                data = rating_form.cleaned_data
                services.ticket_rate(
                    actor=user, ticket=ticket, score=data["score"], comment=data["comment"]
                )
            elif action in self.STATUS_ACTIONS:
                services.ticket_change_status(
                    actor=user,
                    ticket=ticket,
                    status=self.STATUS_ACTIONS[action],
                    comment=request.POST.get("comment", ""),
                )
            else:
                raise ApplicationError(_("Unknown action."))
        except ApplicationError as exc:
            return self.render_page(
                ticket,
                reply_form=reply_form,
                rating_form=rating_form,
                error=exc.message,
                status=exc.status_code,
            )
        except PermissionDenied as exc:
            return self.render_page(ticket, error=str(exc), status=403)
        messages.success(request, _("Thank you, saved."))
        return redirect("portal:ticket-detail", ticket_id=ticket.pk)
