"""The end user's portal: home, new ticket, my tickets, ticket detail with reply/confirm/rate."""

import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from itsm.exceptions import ApplicationError
from itsm.paging import page_of
from itsm.params import clean_text
from itsm.tenancy import Role
from reports.notices.services import notices_mark_seen
from tickets import selectors, services
from tickets.forms import TicketCreateForm
from tickets.presenters import prepare_rows, ticket_rows_html
from tickets.views import RequesterActionsMixin

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
        rows = (
            rows.select_related("site", "requester")
            .only(*LIST_COLUMNS)
            .order_by("-created_at", "-id")
        )
        page = page_of(rows, self.request.GET.get("page"), 25)
        prepare_rows(page.object_list, detail_url="portal:ticket-detail", markers=False)
        return {
            **super().get_context_data(**kwargs),
            "page": page,
            "rows_html": ticket_rows_html(page.object_list),
            "filters": filters,
        }


# What a "my tickets" row shows.
LIST_COLUMNS = (
    "reference",
    "subject",
    "status",
    "priority",
    "created_at",
    "client_id",
    "site__name",
    "requester__username",
    "requester__first_name",
    "requester__last_name",
)


class TicketCreateView(EndUserMixin, View):
    template_name = "users_portal/ticket_new.html"

    def _form(self, data=None, files=None):
        user = self.request.user
        categories = selectors.categories_covered_for(client_id=user.client_id)
        return TicketCreateForm(data, files, user=user, categories=categories)

    def page(self, form, token, status=200):
        return render(
            self.request, self.template_name, {"form": form, "token": token}, status=status
        )

    def get(self, request):
        # A one-time token per form shown: posting it twice (Back, then Submit again) finds the
        # ticket made the first time instead of filing a duplicate.
        return self.page(self._form(), secrets.token_urlsafe(24))

    def post(self, request):
        form = self._form(request.POST, request.FILES)
        token = clean_text(request.POST.get("token"), max_length=100)
        if form.is_valid():
            try:
                if token:
                    ticket, created = services.ticket_create_once(
                        actor=request.user, key=f"form:{token}", **form.cleaned_data
                    )
                else:
                    ticket, created = (
                        services.ticket_create(actor=request.user, **form.cleaned_data),
                        True,
                    )
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                if created:
                    text = _("Ticket %(ref)s filed. We will get back to you.")
                else:
                    text = _("This form was already sent: ticket %(ref)s was filed then.")
                messages.success(request, text % {"ref": ticket.reference})
                return redirect("portal:ticket-detail", ticket_id=ticket.pk)
        return self.page(form, token or secrets.token_urlsafe(24), status=400)


class TicketDetailView(EndUserMixin, RequesterActionsMixin, View):
    """The public timeline, reply and attach, 'solved' / 'still broken', and the rating."""

    template_name = "users_portal/ticket_detail.html"
    success_url_name = "portal:ticket-detail"

    def render_page(self, ticket, *, error=None, status=200, **forms):
        user = self.request.user
        context = {
            "ticket": ticket,
            "events": selectors.ticket_events_for(user=user, ticket=ticket),
            "rating": selectors.rating_for(user=user, ticket=ticket),
            "error": error,
            **self.requester_context(ticket, **forms),
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, ticket_id):
        return self.render_page(selectors.ticket_get_for(user=request.user, ticket_id=ticket_id))
