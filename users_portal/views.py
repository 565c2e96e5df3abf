"""The end user's portal: home, new ticket, my tickets, ticket detail."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from clients.models import ServiceCategory
from itsm.exceptions import ApplicationError
from itsm.tenancy import Role
from tickets import selectors, services
from tickets.forms import TicketCreateForm


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


def covered_categories(user):
    return ServiceCategory.objects.filter(
        is_active=True, agreements__client_id=user.client_id
    ).distinct()


class PortalHomeView(EndUserMixin, TemplateView):
    template_name = "users_portal/home.html"

    def get_context_data(self, **kwargs):
        rows = selectors.ticket_list_for(user=self.request.user, filters={"status": "open"})
        open_tickets = rows.select_related("site").order_by("-created_at", "-id")[:10]
        return {**super().get_context_data(**kwargs), "open_tickets": open_tickets}


class MyTicketListView(EndUserMixin, TemplateView):
    template_name = "users_portal/ticket_list.html"

    def get_context_data(self, **kwargs):
        filters = {k: self.request.GET.get(k) for k in ("status", "q") if self.request.GET.get(k)}
        rows = selectors.ticket_list_for(user=self.request.user, filters=filters)
        rows = rows.select_related("site", "requester").order_by("-created_at", "-id")
        page = Paginator(rows, 25).get_page(self.request.GET.get("page"))
        return {**super().get_context_data(**kwargs), "page": page, "filters": filters}


class TicketCreateView(EndUserMixin, View):
    template_name = "users_portal/ticket_new.html"

    def _form(self, data=None):
        user = self.request.user
        return TicketCreateForm(data, user=user, categories=covered_categories(user))

    def get(self, request):
        return render(request, self.template_name, {"form": self._form()})

    def post(self, request):
        form = self._form(request.POST)
        if form.is_valid():
            try:
                ticket = services.ticket_create(actor=request.user, **form.cleaned_data)
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request, _("Ticket %(ref)s filed. We will get back to you.") % {"ref": ticket.reference}
                )
                return redirect("portal:ticket-detail", ticket_id=ticket.pk)
        return render(request, self.template_name, {"form": form}, status=400)


class TicketDetailView(EndUserMixin, TemplateView):
    template_name = "users_portal/ticket_detail.html"

    def get_context_data(self, ticket_id, **kwargs):
        user = self.request.user
        ticket = selectors.ticket_get_for(user=user, ticket_id=ticket_id)
        events = selectors.ticket_events_for(user=user, ticket=ticket)
        return {**super().get_context_data(**kwargs), "ticket": ticket, "events": events}
