"""Staff queue and workspace, the client manager's read-only list/detail, attachment download."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from itsm.exceptions import ApplicationError
from itsm.paging import page_of
from itsm.params import parse_date, parse_versioned_id
from itsm.tenancy import Role

from . import queue_lists, selectors, services
from .attachments import attachment_response
from .forms import (
    BulkForm,
    EditForm,
    RatingForm,
    ReasonForm,
    ReplyForm,
    TicketActionForm,
)
from .models import Priority, Status, reply_text_fill
from .presenters import options, prepare_rows, queue_rows_html
from .queue_paging import queue_page

QUEUE_FILTERS = ("client", "site", "priority", "status", "assignee", "team", "category", "q")
# What a queue row shows; loading whole user rows for 50 requesters cost more than the query.
QUEUE_COLUMNS = (
    "reference",
    "version",
    "subject",
    "priority",
    "status",
    "sla_due_at",
    "created_at",
    "client_id",
    "assignee_id",
    "team_id",
    "site__name",
    "requester__username",
    "requester__first_name",
    "requester__last_name",
)


def queue_filters(params) -> dict:
    filters = selectors.list_filters(params, QUEUE_FILTERS)
    filters.setdefault("status", "open")
    filters["mine"] = params.get("mine") == "1"
    filters["unassigned"] = params.get("unassigned") == "1"
    return filters


def str_name(person) -> str:
    return person.display_name


def error_text(exc) -> str:
    return str(getattr(exc, "message", None) or exc)


class StaffRequiredMixin(LoginRequiredMixin, UserPassesTestMixin):
    def test_func(self):
        return self.request.user.is_provider_staff


class ClientManagerMixin(LoginRequiredMixin, UserPassesTestMixin):
    def test_func(self):
        return self.request.user.role == Role.CLIENT_MANAGER


class TicketQueueView(StaffRequiredMixin, View):
    """One queue over the clients the agent's teams serve, most urgent first."""

    template_name = "tickets/ticket_queue.html"

    def get(self, request, errors=(), status=200):
        user = request.user
        filters = queue_filters(request.GET)
        rows = (
            selectors.ticket_list_for(user=user, filters=filters)
            .select_related("site", "requester")
            .only(*QUEUE_COLUMNS)
        )
        page = queue_page(rows, request.GET)
        lists = queue_lists.lists_for(user)
        codes = {pk: code for pk, code, _name in lists.clients}
        queue_lists.names_for(page.object_list, "client", codes, lambda c: c.code)
        queue_lists.names_for(page.object_list, "assignee", dict(lists.agents), str_name)
        queue_lists.names_for(page.object_list, "team", dict(lists.teams), lambda t: t.name)
        prepare_rows(page.object_list, detail_url="tickets:ticket-workspace")
        context = {
            "page": page,
            "rows_html": queue_rows_html(page.object_list, now=timezone.now()),
            "filters": filters,
            "client_options": options(
                ((pk, name) for pk, _code, name in lists.clients), filters.get("client")
            ),
            "site_options": options(lists.sites, filters.get("site")),
            "category_options": options(lists.categories, filters.get("category")),
            "status_options": options(Status.choices, filters.get("status")),
            "priority_options": options(Priority.choices, filters.get("priority")),
            "agent_options": options(lists.agents, filters.get("assignee")),
            "team_options": options(lists.teams, filters.get("team")),
            "statuses": Status.choices,
            "errors": errors,
        }
        return render(request, self.template_name, context, status=status)

    def post(self, request):
        """Bulk assign or bulk status change over the ticked rows.

        Each row carries "<id>:<version>" as the queue showed it. Rows changed since are skipped
        with a message naming them; the fresh ones are applied (each in its own transaction),
        so one colleague's edit does not cost the whole selection.
        """
        user = request.user
        form = BulkForm(request.POST, agents=selectors.assignable_agents_for(user=user))
        versions = dict(
            row
            for raw in request.POST.getlist("tickets")
            if (row := parse_versioned_id(raw)) is not None
        )
        tickets = list(
            selectors.ticket_list_for(user=user, filters={"status": "all"}).filter(pk__in=versions)
        )
        if not form.is_valid() or not tickets:
            return self.get(
                request, errors=[_("Tick at least one ticket and choose what to do.")], status=400
            )
        data = form.cleaned_data
        if data["action"] == "assign":
            if data["assignee"] is None:
                return self.get(request, errors=[_("Choose the agent to assign to.")], status=400)
            action, change = services.ticket_assign, {"agent": data["assignee"]}
        else:
            if not data["status"]:
                return self.get(request, errors=[_("Choose the new status.")], status=400)
            action, change = services.ticket_change_status, {"status": data["status"]}
        done, errors = services.tickets_bulk(
            actor=user, tickets=tickets, versions=versions, action=action, **change
        )
        if done:
            messages.success(request, _("%(n)d tickets updated.") % {"n": len(done)})
        for error in errors:
            messages.error(request, error)
        return redirect(request.get_full_path())


class TicketWorkspaceView(StaffRequiredMixin, View):
    """Everything about one ticket for the agent: timeline with notes, requester card, and one
    form holding the composer (reply or internal note, time spent) and the action panel."""

    template_name = "tickets/ticket_workspace.html"
    # action -> its form in the page context (claim has none)
    ACTIONS = {"claim": None, "update": "action_form", "edit": "edit_form"}

    def forms_for(self, ticket, data=None, action=None):
        user = self.request.user
        if action == "update":
            # A posted form is checked against the lists read afresh.
            lists = {
                "agents": selectors.assignable_agents_for(user=user, client_id=ticket.client_id),
                "teams": selectors.teams_for(user=user, client_id=ticket.client_id),
                "categories": selectors.categories_covered_for(client_id=ticket.client_id),
            }
        else:
            # A form shown afresh only offers: the cached lists, without a query.
            lists = {"shown": self.client_lists(ticket)}
        return {
            "action_form": TicketActionForm(
                data if action == "update" else None,
                self.request.FILES if action == "update" else None,
                ticket=ticket,
                **lists,
            ),
            "edit_form": EditForm(
                data if action == "edit" else None,
                initial={
                    "version": ticket.version,
                    "subject": ticket.subject,
                    "description": ticket.description,
                },
            ),
        }

    def client_lists(self, ticket) -> queue_lists.ClientLists:
        """The cached drop-down lists of the ticket's client, read once per request."""
        if getattr(self, "_client_lists", None) is None:
            self._client_lists = queue_lists.client_lists_for(self.request.user, ticket.client_id)
        return self._client_lists

    def name_related(self, ticket) -> None:
        """`assignee_name`, `team_name`, `category_name` from the drop-down lists (the ticket
        query does not join them); one not offered there (an admin assigned, a category the
        agreement dropped) costs a query."""
        lists = self.client_lists(ticket)
        queue_lists.names_for([ticket], "assignee", dict(lists.agents), str_name)
        queue_lists.names_for([ticket], "team", dict(lists.teams), lambda team: team.name)
        queue_lists.names_for(
            [ticket], "category", dict(lists.categories), lambda category: category.name
        )

    def render_page(self, ticket, forms, error=None, status=200):
        user = self.request.user
        self.name_related(ticket)
        # Staff see the whole timeline, so it also tells which resolution a rating belongs to.
        events = list(selectors.ticket_events_for(user=user, ticket=ticket))
        context = {
            "ticket": ticket,
            "events": events,
            "other_open": selectors.requester_other_open_tickets(user=user, ticket=ticket),
            "rating": selectors.rating_for(
                user=user, ticket=ticket, resolutions=selectors.resolutions_in(events)
            ),
            "extra_panels": workspace_panels(user=user, ticket=ticket),
            "reply_templates": [
                (title, team, reply_text_fill(body, ticket=ticket, agent=user))
                for title, team, body in self.client_lists(ticket).replies
            ],
            "time_spent": selectors.time_spent_on(user=user, ticket=ticket),
            "error": error,
            **forms,
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, ticket_id):
        ticket = selectors.ticket_get_for(
            user=request.user, ticket_id=ticket_id, related=selectors.WORKSPACE_RELATED
        )
        return self.render_page(ticket, self.forms_for(ticket))

    def post(self, request, ticket_id):
        user = request.user
        # The services re-read the ticket under a lock; this copy is for the page on refusal.
        ticket = selectors.ticket_get_for(
            user=user, ticket_id=ticket_id, related=selectors.WORKSPACE_RELATED
        )
        action = request.POST.get("action")
        if action not in self.ACTIONS:
            return self.render_page(ticket, self.forms_for(ticket), _("Unknown action."), 400)
        forms = self.forms_for(ticket, request.POST, action)
        form = forms.get(self.ACTIONS[action])
        if form is not None and not form.is_valid():
            return self.render_page(ticket, forms, _("Please correct the marked fields."), 400)
        try:
            self.perform(action, ticket, form)
        except ApplicationError as exc:
            # The bound forms go back as they were: nothing typed is lost.
            return self.render_page(ticket, forms, error_text(exc), exc.status_code)
        except PermissionDenied as exc:
            return self.render_page(ticket, forms, error_text(exc), 403)
        messages.success(request, _("Saved."))
        return redirect("tickets:ticket-workspace", ticket_id=ticket.pk)

    def perform(self, action, ticket, form):
        actor = self.request.user
        if action == "claim":
            services.ticket_claim(actor=actor, ticket=ticket)
        elif action == "update":
            data = form.cleaned_data
            services.ticket_change(
                actor=actor,
                ticket=ticket,
                version=data["version"],
                status=data["status"],
                # An empty choice leaves the assignment as it is (there is no "unassign").
                assignee=data["assignee"] or services.UNCHANGED,
                team=data["team"] or services.UNCHANGED,
                priority=data["priority"],
                category=data["category"],
                body=data["body"],
                internal=form.internal,
                files=data["files"],
                minutes=data["minutes"] or 0,
                time_kind=data["time_kind"],
            )
        elif action == "edit":
            data = form.cleaned_data
            services.ticket_update(
                actor=actor,
                ticket=ticket,
                subject=data["subject"],
                description=data["description"],
                expected_version=data["version"],
            )


# Apps above tickets (the SLA engine) add panels to the workspace by registering a callable
# (user, ticket) -> (template name, context); tickets never imports them.
WORKSPACE_PANELS: list = []


def workspace_panels(*, user, ticket) -> list[tuple[str, dict]]:
    return [panel(user=user, ticket=ticket) for panel in WORKSPACE_PANELS]


def client_list_choices(user, filters: dict) -> dict:
    """Options of the client manager's filters, each (value, label, selected)."""
    sla_labels = {"running": _("Running"), "met": _("Met"), "breached": _("Breached")}
    ratings = [(str(n), "★" * n) for n in range(5, 0, -1)] + [("unrated", _("Not rated"))]
    return {
        "site_options": options(
            [(site.pk, site.name) for site in selectors.sites_for(user=user)], filters.get("site")
        ),
        "priority_options": options(Priority.choices, filters.get("priority")),
        "sla_options": options(sla_labels.items(), filters.get("sla")),
        "rating_options": options(ratings, filters.get("rating")),
        "bad_dates": [
            key for key in ("from", "to") if filters.get(key) and not parse_date(filters[key])
        ],
    }


class ClientTicketListView(ClientManagerMixin, TemplateView):
    """All tickets of the manager's client, read-only."""

    template_name = "tickets/ticket_client_list.html"

    def get_context_data(self, **kwargs):
        params, user = self.request.GET, self.request.user
        filters = selectors.list_filters(params, selectors.CLIENT_LIST_FILTERS)
        rows = selectors.client_ticket_list_for(user=user, filters=filters)
        rows = rows.select_related("site", "requester", "assignee").order_by("-created_at", "-id")
        page = page_of(rows, params.get("page"))
        return {
            **super().get_context_data(**kwargs),
            "page": page,
            "filters": filters,
            "statuses": Status.choices,
            **client_list_choices(user, filters),
        }


class RequesterActionsMixin:
    """The requester's own moves (reply, confirm, reopen, withdraw, rate) on whichever page shows
    them their ticket: the end user's portal, or the client manager's detail page when staff
    filed the ticket for the manager. The services decide who may; pages only offer."""

    # Set by the view, which also provides render_page(ticket, *, error, status, **forms) passing
    # the forms to requester_context.
    success_url_name = ""

    def requester_context(
        self, ticket, *, reply_form=None, rating_form=None, reason_form=None, action=None
    ) -> dict:
        return {
            "is_requester": ticket.requester_id == self.request.user.pk,
            "reply_form": reply_form or ReplyForm(),
            "rating_form": rating_form or RatingForm(),
            # A refused withdraw/reopen comes back with its form open and the text kept.
            "withdraw_form": reason_form if action == "withdraw" else ReasonForm(),
            "reopen_form": reason_form if action == "reopen" else ReasonForm(),
        }

    def post(self, request, ticket_id):
        user = request.user
        ticket = selectors.ticket_get_for(user=user, ticket_id=ticket_id)
        action = request.POST.get("action")
        reply_form = ReplyForm(request.POST, request.FILES) if action == "reply" else None
        rating_form = RatingForm(request.POST) if action == "rate" else None
        reason_form = ReasonForm(request.POST) if action in ("withdraw", "reopen") else None
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
            elif action in ("withdraw", "reopen"):
                reason = reason_form.cleaned_data["reason"] if reason_form.is_valid() else ""
                service = (
                    services.ticket_withdraw if action == "withdraw" else services.ticket_reopen
                )
                service(actor=user, ticket=ticket, reason=reason)
            elif action == "confirm":
                services.ticket_change_status(actor=user, ticket=ticket, status=Status.CLOSED)
            else:
                raise ApplicationError(_("Unknown action."))
        except ApplicationError as exc:
            return self.render_page(
                ticket,
                reply_form=reply_form,
                rating_form=rating_form,
                reason_form=reason_form,
                action=action,
                error=exc.message,
                status=exc.status_code,
            )
        except PermissionDenied as exc:
            return self.render_page(ticket, error=str(exc), status=403)
        messages.success(request, _("Thank you, saved."))
        return redirect(self.success_url_name, ticket_id=ticket.pk)


class ClientTicketDetailView(ClientManagerMixin, RequesterActionsMixin, View):
    """Read-only for the manager, except on tickets filed with the manager as requester."""

    template_name = "tickets/ticket_client_detail.html"
    success_url_name = "tickets:ticket-client-detail"

    def render_page(self, ticket, *, error=None, status=200, **forms):
        user = self.request.user
        context = {
            "ticket": ticket,
            "events": selectors.ticket_events_for(user=user, ticket=ticket),
            "rating": selectors.rating_for(user=user, ticket=ticket),
            "extra_panels": workspace_panels(user=user, ticket=ticket),
            "error": error,
            **self.requester_context(ticket, **forms),
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, ticket_id):
        return self.render_page(selectors.ticket_get_for(user=request.user, ticket_id=ticket_id))


class AttachmentDownloadView(LoginRequiredMixin, View):
    """Files are only ever served here, after the same visibility check as their ticket."""

    def get(self, request, attachment_id):
        attachment = selectors.attachment_get_for(user=request.user, attachment_id=attachment_id)
        return attachment_response(attachment, inline=request.GET.get("inline") == "1")
