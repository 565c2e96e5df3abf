"""Writes of tickets: one service per intent, each recording a timeline event."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.models import Client, ServiceAgreement, ServiceCategory, Site, User
from itsm.exceptions import ApplicationError
from itsm.tenancy import Role

from .models import Channel, Impact, PriorityRule, Ticket, TicketCounter, TicketEvent, Urgency
from .signals import ticket_changed


def priority_for(*, impact: int, urgency: int) -> int:
    rule = PriorityRule.objects.filter(impact=impact, urgency=urgency).first()
    if rule is not None:
        return rule.priority
    # Matrix cell missing (admin deleted it): fall back to the ITIL default shape.
    return min(4, max(1, impact + urgency - 1))


def ticket_reference_allocate(*, client: Client) -> tuple[int, str]:
    """Next number of `client`; the counter row lock makes concurrent creates queue up."""
    counter, _created = TicketCounter.objects.get_or_create(client=client)
    counter = TicketCounter.objects.select_for_update().get(pk=counter.pk)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number, f"{client.code}-{counter.last_number:06d}"


def ensure_can_file_for(actor: User, requester: User) -> None:
    if actor.pk == requester.pk and actor.role == Role.END_USER:
        return
    if actor.is_provider_staff and requester.role in (Role.END_USER, Role.CLIENT_MANAGER):
        if actor.is_admin_role or requester.client_id in actor.served_client_ids():
            return
    raise PermissionDenied(_("You may not file a ticket for this person."))


def event_record(*, ticket: Ticket, actor: User | None, kind: str, **fields) -> TicketEvent:
    return TicketEvent.objects.create(ticket=ticket, client_id=ticket.client_id, actor=actor, kind=kind, **fields)


@transaction.atomic
def ticket_create(
    *,
    actor: User,
    subject: str,
    description: str,
    requester: User | None = None,
    site: Site | None = None,
    category: ServiceCategory | None = None,
    impact: int = Impact.LOW,
    urgency: int = Urgency.MEDIUM,
    channel: str = Channel.PORTAL,
    now=None,
) -> Ticket:
    """File a ticket. Site defaults to the requester's; the category must be covered."""
    requester = requester or actor
    ensure_can_file_for(actor, requester)
    reason = requester.access_blocked_reason()
    if reason:
        raise ApplicationError(reason)
    client = requester.client
    site = site or requester.site
    if site is None:
        raise ApplicationError(_("Choose the site where the problem is."))
    if site.client_id != client.pk:
        raise ApplicationError(_("The site belongs to another client."))
    if category is not None and not agreement_covers(client=client, category=category):
        raise ApplicationError(
            _("“%(category)s” is not covered by the service agreement.") % {"category": category}
        )
    subject, description = subject.strip(), description.strip()
    if not subject or not description:
        raise ApplicationError(_("Subject and description are both required."))
    number, reference = ticket_reference_allocate(client=client)
    ticket = Ticket(
        client=client,
        site=site,
        number=number,
        reference=reference,
        requester=requester,
        created_by=actor,
        channel=channel,
        category=category,
        impact=impact,
        urgency=urgency,
        priority=priority_for(impact=impact, urgency=urgency),
        subject=subject,
        description=description,
    )
    ticket.full_clean()
    ticket.save()
    event_record(ticket=ticket, actor=actor, kind=TicketEvent.Kind.CREATED, new_value=reference)
    ticket_changed.send(Ticket, ticket=ticket, actor=actor, change="created", now=now or timezone.now())
    return ticket


def agreement_covers(*, client: Client, category: ServiceCategory) -> bool:
    today = timezone.localdate()
    return ServiceAgreement.objects.filter(
        client=client, categories=category, start_date__lte=today
    ).exclude(end_date__lt=today).exists()
