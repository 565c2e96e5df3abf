"""Staff queue and the read-only client manager list."""

from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.core.paginator import Paginator
from django.views.generic import TemplateView

from itsm.tenancy import Role

from . import selectors

QUEUE_FILTERS = ("client", "site", "priority", "status", "assignee", "team", "category", "q")


def queue_filters(params) -> dict:
    filters = {key: params.get(key) for key in QUEUE_FILTERS if params.get(key)}
    filters.setdefault("status", "open")
    filters["mine"] = params.get("mine") == "1"
    filters["unassigned"] = params.get("unassigned") == "1"
    return filters


class StaffRequiredMixin(LoginRequiredMixin, UserPassesTestMixin):
    def test_func(self):
        return self.request.user.is_provider_staff


class TicketQueueView(StaffRequiredMixin, TemplateView):
    template_name = "tickets/ticket_queue.html"

    def get_context_data(self, **kwargs):
        rows = selectors.ticket_list_for(
            user=self.request.user, filters=queue_filters(self.request.GET)
        ).select_related("client", "site", "requester", "assignee")
        rows = rows.order_by("sla_due_at", "priority", "created_at", "id")
        page = Paginator(rows, 50).get_page(self.request.GET.get("page"))
        return {**super().get_context_data(**kwargs), "page": page}


class ClientTicketListView(LoginRequiredMixin, UserPassesTestMixin, TemplateView):
    """All tickets of the manager's client, read-only."""

    template_name = "tickets/ticket_client_list.html"

    def test_func(self):
        return self.request.user.role == Role.CLIENT_MANAGER

    def get_context_data(self, **kwargs):
        filters = {k: self.request.GET.get(k) for k in ("status", "site", "q") if self.request.GET.get(k)}
        rows = selectors.ticket_list_for(user=self.request.user, filters=filters)
        rows = rows.select_related("site", "requester", "assignee").order_by("-created_at", "-id")
        page = Paginator(rows, 50).get_page(self.request.GET.get("page"))
        return {**super().get_context_data(**kwargs), "page": page}
