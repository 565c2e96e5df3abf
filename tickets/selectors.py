"""Reads of tickets, always through visible_to(user)."""

import re
from datetime import datetime, time, timedelta

from django.db.models import Count, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from clients.models import Client, ServiceCategory, Site, Team, User
from itsm.params import clean_text, parse_choice, parse_date, parse_id
from itsm.tenancy import is_provider_staff

from .models import (
    Attachment,
    Priority,
    Rating,
    ReplyTemplate,
    Status,
    Ticket,
    TicketEvent,
    TimeEntry,
    reply_text_fill,
)

LIST_FILTERS = ("client", "site", "priority", "assignee", "team", "category")
STATUS_FILTERS = {"open", "all", *Status.values}
# The client manager's list: the staff filters that make sense there, plus these.
CLIENT_LIST_FILTERS = ("status", "site", "q", "priority", "sla", "rating", "from", "to")
RATING_FILTERS = {"1", "2", "3", "4", "5", "unrated"}
# Filters on data of apps above tickets (sla registers "sla": met / breached / running), so the
# list can offer them without importing upward: name -> (choices, apply(rows, value) -> rows).
TICKET_FILTERS: dict = {}


def list_filters(params, names) -> dict:
    """The filters among `names` present in a query string, cleaned of NUL and cut to length."""
    return {key: value for key in names if (value := clean_text(params.get(key)))}


def ticket_list_for(*, user, filters: dict | None = None):
    """Tickets the user may see, filtered; ordering is the caller's (queue vs my tickets).

    Filter values come from query strings: one that is not a valid id, priority or status
    matches nothing rather than failing.
    """
    filters = filters or {}
    rows = Ticket.objects.visible_to(user)
    status = clean_text(filters.get("status"))
    if status == "open":
        rows = rows.open()
    elif status and status != "all":
        rows = rows.filter(status=status) if status in STATUS_FILTERS else rows.none()
    for key in LIST_FILTERS:
        value = filters.get(key)
        if value in (None, ""):
            continue
        pk = parse_id(value)
        if pk is None or (key == "priority" and pk not in Priority.values):
            rows = rows.none()
        else:
            rows = rows.filter(**{key if key == "priority" else f"{key}_id": pk})
    if filters.get("mine"):
        rows = rows.filter(assignee_id=user.pk)
    if filters.get("unassigned"):
        rows = rows.filter(assignee__isnull=True)
    if q := clean_text(filters.get("q")):
        rows = rows.filter(search_filter(q))
    return rows


def client_ticket_list_for(*, user, filters: dict):
    """The client manager's list: ticket_list_for plus SLA state, latest rating and a created
    date range (dates in the display time zone, both ends included). Every filter is part of the
    one query: the page costs the same for 5 tickets or 200."""
    rows = ticket_list_for(user=user, filters=filters)
    for name, (choices, apply) in TICKET_FILTERS.items():
        if value := parse_choice(filters.get(name), choices):
            rows = apply(rows, value)
    if rating := parse_choice(filters.get("rating"), RATING_FILTERS):
        latest = Rating.objects.filter(ticket=OuterRef("pk")).order_by("-resolution")
        rows = rows.annotate(latest_score=Subquery(latest.values("score")[:1]))
        if rating == "unrated":
            rows = rows.filter(latest_score__isnull=True)
        else:
            rows = rows.filter(latest_score=int(rating))
    zone = timezone.get_current_timezone()
    if first := parse_date(filters.get("from")):
        rows = rows.filter(created_at__gte=datetime.combine(first, time.min, zone))
    if last := parse_date(filters.get("to")):
        rows = rows.filter(
            created_at__lt=datetime.combine(last + timedelta(days=1), time.min, zone)
        )
    return rows


REFERENCE = re.compile(r"^([A-Za-z][A-Za-z0-9]{1,9})-0*([0-9]{1,9})$", re.ASCII)


def search_filter(q: str) -> Q:
    """A reference ("hx-12" finds HX-000012) by its unique index; else subject or requester.

    Subject search uses a trigram index on PostgreSQL (migration 0003); people are matched
    first in their own small table rather than joined into the ticket scan.
    """
    if match := REFERENCE.match(q):
        code, number = match.groups()
        return Q(reference=f"{code.upper()}-{int(number):06d}")
    if len(q) <= 9 and (number := parse_id(q)) is not None:
        return Q(number=number)  # "000002" or "2": that number at each client one can see
    people = list(
        User.objects.filter(
            Q(username__iexact=q) | Q(email__iexact=q) | Q(last_name=q) | Q(first_name=q)
        ).values_list("pk", flat=True)[:100]
    )
    return Q(subject__icontains=q) | Q(requester_id__in=people)


TICKET_RELATED = ("client", "site", "requester", "assignee", "team", "category")
# The agent's workspace takes the assignee, team and category names from its cached drop-down
# lists (queue_lists): planning the seven-table join cost PostgreSQL ~2.5 ms per page at
# 1,000,000 tickets.
WORKSPACE_RELATED = ("client", "site", "requester")


def ticket_get_for(*, user, ticket_id, related: tuple = TICKET_RELATED) -> Ticket:
    """The ticket if the user may see it, with `related` joined; another tenant's id, a missing
    id and junk all 404."""
    ticket_id = parse_id(ticket_id)
    if ticket_id is None:
        raise Http404
    tickets = Ticket.objects.visible_to(user).select_related(*related)
    return get_object_or_404(tickets, pk=ticket_id)


def ticket_events_for(*, user, ticket: Ticket):
    """The ticket's timeline as `user` may see it.

    Client-side people see neither internal notes nor system entries (SLA re-targets, rule
    escalations, automatic closing: entries without a person), which are the desk's business.
    """
    events = TicketEvent.objects.visible_to(user).filter(ticket=ticket)
    if not is_provider_staff(user):
        events = events.exclude(kind=TicketEvent.Kind.SLA).exclude(actor__isnull=True)
    return (
        events.select_related("actor").prefetch_related("attachments").order_by("created_at", "id")
    )


def attachments_for(*, user, ticket: Ticket):
    return Attachment.objects.visible_to(user).filter(ticket=ticket).order_by("created_at")


def attachment_get_for(*, user, attachment_id) -> Attachment:
    attachment_id = parse_id(attachment_id)
    if attachment_id is None:
        raise Http404
    return get_object_or_404(
        Attachment.objects.visible_to(user).select_related("ticket"), pk=attachment_id
    )


def resolutions_in(events) -> int:
    """How many times a ticket was resolved, counted in its whole timeline (as staff see it):
    what services.ticket_resolution_number counts in the database."""
    return sum(
        1
        for event in events
        if event.kind == TicketEvent.Kind.STATUS
        and event.field == "status"
        and event.new_value == Status.RESOLVED
    )


def rating_for(*, user, ticket: Ticket, resolutions: int | None = None) -> Rating | None:
    """The rating of the ticket's current resolution; None once reopened, until rated again.

    `resolutions`: resolutions_in(the timeline) when the caller holds the whole timeline
    already, which spares the database a correlated count.
    """
    if resolutions is not None:
        return (
            Rating.objects.visible_to(user)
            .filter(ticket=ticket, resolution=resolutions or 1)
            .first()
        )
    resolutions = (
        TicketEvent.objects.filter(
            ticket=OuterRef("ticket"),
            kind=TicketEvent.Kind.STATUS,
            field="status",
            new_value=Status.RESOLVED,
        )
        .order_by()
        .values("ticket")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        Rating.objects.visible_to(user)
        .filter(ticket=ticket, resolution=Coalesce(Subquery(resolutions), 1))
        .first()
    )


def requester_other_open_tickets(*, user, ticket: Ticket, limit: int = 5):
    return (
        Ticket.objects.visible_to(user)
        .open()
        .filter(requester_id=ticket.requester_id)
        .exclude(pk=ticket.pk)
        .only("reference", "subject")
        .order_by("-created_at")[:limit]
    )


def assignable_agents_for(*, user, client_id: int | None = None):
    """Agents serving `client_id` (or any client the user serves)."""
    agents = User.objects.visible_to(user).agents()
    if client_id is not None:
        agents = agents.filter(teams__clients=client_id)
    elif not user.is_admin_role:
        agents = agents.filter(teams__clients__in=user.served_client_ids())
    return (
        agents.distinct()
        .only("username", "first_name", "last_name", "role", "client_id")
        .order_by("username")
    )


def teams_for(*, user, client_id: int | None = None):
    teams = (
        Team.objects.all()
        if user.is_admin_role
        else Team.objects.filter(clients__in=user.served_client_ids())
    )
    if client_id is not None:
        teams = teams.filter(clients=client_id)
    return teams.distinct().order_by("name")


def categories_covered_for(*, client_id: int):
    return ServiceCategory.objects.filter(
        is_active=True, agreements__client_id=client_id
    ).distinct()


def clients_for(*, user):
    return Client.objects.visible_to(user).order_by("name")


def sites_for(*, user):
    return (
        Site.objects.visible_to(user)
        .select_related("client")
        .only("name", "client__code", "client__name")
        .order_by("client__name", "name")
    )


def categories_for_clients(*, client_ids: list[int]):
    return (
        ServiceCategory.objects.filter(is_active=True, agreements__client_id__in=client_ids)
        .distinct()
        .order_by("code")
    )


def reply_templates_for(*, user, ticket: Ticket) -> list[tuple[ReplyTemplate, str]]:
    """The active reply templates of the user's teams, each with its text filled for `ticket`."""
    rows = reply_templates_of(user=user, client_id=ticket.client_id)
    return [(row, reply_text_fill(row.body, ticket=ticket, agent=user)) for row in rows]


def reply_templates_of(*, user, client_id: int):
    """The active reply templates `user` is offered on tickets of `client_id`.

    Templates are the provider's, not a client's: an agent sees their own teams' ones (an
    admin, those of the teams serving the client).
    """
    if not is_provider_staff(user):
        return ReplyTemplate.objects.none()
    if user.is_admin_role:
        rows = ReplyTemplate.objects.filter(team__clients=client_id)
    else:
        rows = ReplyTemplate.objects.filter(team__members=user)
    return rows.filter(is_active=True).select_related("team").distinct().order_by("title", "id")


def time_spent_on(*, user, ticket: Ticket) -> int:
    """Minutes recorded on `ticket` (0 for anyone who may not see time spent)."""
    rows = TimeEntry.objects.visible_to(user).filter(ticket=ticket)
    return rows.aggregate(total=Sum("minutes"))["total"] or 0


def time_spent_by_client(*, user, start, end) -> dict[int, int]:
    """Minutes recorded per client id in [start, end): what serving each client cost."""
    rows = (
        TimeEntry.objects.visible_to(user)
        .filter(at__gte=start, at__lt=end)
        .order_by()
        .values("client_id")
        .annotate(total=Sum("minutes"))
    )
    return {row["client_id"]: row["total"] for row in rows}
