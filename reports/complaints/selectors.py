"""Reads of complaints, always through visible_to(user)."""

import re

from django.db.models import Prefetch, Q
from django.shortcuts import get_object_or_404

from clients.models import Client, Site, User
from itsm.params import clean_text, parse_id
from itsm.tenancy import Role
from tickets.models import Ticket
from tickets.selectors import REFERENCE, search_filter

from .models import Category, Complaint, ComplaintEvent, Severity, Source, Status
from .querysets import OPEN_STATUSES

LIST_FILTERS = ("status", "severity", "source", "category", "client", "mine", "q")


def list_filters(params) -> dict:
    return {key: value for key in LIST_FILTERS if (value := clean_text(params.get(key)))}


def complaint_list_for(*, user, filters: dict | None = None):
    """Complaints the user may see, newest first; bad filter values match nothing."""
    filters = filters or {}
    rows = Complaint.objects.visible_to(user)
    status = filters.get("status")
    if status == "open":
        rows = rows.open()
    elif status and status != "all":
        rows = rows.filter(status=status) if status in Status.values else rows.none()
    for key, allowed in (
        ("severity", Severity.values),
        ("source", Source.values),
        ("category", Category.values),
    ):
        if value := filters.get(key):
            rows = rows.filter(**{key: value}) if value in allowed else rows.none()
    if client := filters.get("client"):
        client_id = parse_id(client)
        rows = rows.filter(client_id=client_id) if client_id is not None else rows.none()
    if filters.get("mine") == "1":
        rows = rows.filter(owner_id=user.pk)
    if q := clean_text(filters.get("q")):
        rows = rows.filter(Q(reference__iexact=q) | Q(subject__icontains=q))
    return rows.select_related("client", "owner", "raised_by").order_by("-created_at", "-id")


def complaint_get_for(*, user, complaint_id: int) -> Complaint:
    """The complaint if the user may see it; another tenant's id and a missing id both 404."""
    return get_object_or_404(
        Complaint.objects.visible_to(user)
        .select_related("client", "owner", "raised_by", "calendar")
        .prefetch_related(
            "sites",
            "people",
            Prefetch("tickets", queryset=Ticket.objects.visible_to(user).order_by("pk")),
        ),
        pk=complaint_id,
    )


def complaint_events_for(*, user, complaint: Complaint):
    """The timeline as `user` may see it: client-side people get no notes nor escalations."""
    return (
        ComplaintEvent.objects.visible_to(user)
        .filter(complaint=complaint)
        .select_related("actor")
        .order_by("created_at", "id")
    )


def open_complaints_for_ticket(*, user, ticket: Ticket):
    return Complaint.objects.visible_to(user).open().filter(tickets=ticket).order_by("-created_at")


def tickets_with_open_complaints(ticket_ids: list[int]) -> set[int]:
    """Of these (already visible) tickets, the ones an open complaint names: one query."""
    if not ticket_ids:
        return set()
    return set(
        Complaint.tickets.through.objects.filter(
            ticket_id__in=ticket_ids, complaint__status__in=OPEN_STATUSES
        ).values_list("ticket_id", flat=True)
    )


def clients_for(*, user):
    return Client.objects.visible_to(user).order_by("name")


def linkable_tickets_for(*, user, client_id: int | None = None):
    rows = Ticket.objects.visible_to(user)
    if client_id is not None:
        rows = rows.filter(client_id=client_id)
    return rows.only("reference", "subject", "client_id").order_by("-created_at")[:200]


def ticket_for_complaint(*, user, ticket_id) -> Ticket | None:
    """The ticket a "complain about this ticket" link names, if the user may see it."""
    if (ticket_id := parse_id(ticket_id)) is None:
        return None
    return (
        Ticket.objects.visible_to(user)
        .select_related("client", "site", "requester", "team__lead")
        .filter(pk=ticket_id)
        .first()
    )


def sites_for(*, user, client_id: int):
    return Site.objects.visible_to(user).filter(client_id=client_id).active().order_by("name")


def end_users_for(*, user, client_id: int):
    return (
        User.objects.visible_to(user)
        .filter(client_id=client_id, role=Role.END_USER, is_active=True)
        .order_by("username")
    )


def handlers_for(*, client_id: int):
    """People who may own this client's complaints (team leads serving it, admins)."""
    return (
        User.objects.filter(
            Q(role=Role.ADMIN) | Q(is_superuser=True) | Q(teams_led__clients=client_id),
            is_active=True,
        )
        .distinct()
        .order_by("username")
    )


REFERENCE_SPLIT = re.compile(r"[\s,，;；]+")


def tickets_by_references(*, user, text: str) -> tuple[list[Ticket], list[str]]:
    """Tickets named by reference ("HX-000012, HX-13"), as visible to the user; unknown ones."""
    wanted = [part for part in REFERENCE_SPLIT.split(text or "") if part]
    found, unknown = [], []
    for part in wanted[:20]:
        ticket = (
            Ticket.objects.visible_to(user).filter(search_filter(part)).first()
            if REFERENCE.match(part)
            else None
        )
        if ticket is None:
            unknown.append(part)
        elif ticket not in found:
            found.append(ticket)
    return found, unknown
