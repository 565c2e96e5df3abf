"""Writes of the email channel: one intake for every door (MTA pipe, IMAP), and triage."""

from datetime import datetime, timedelta
from email.utils import parseaddr

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from clients.models import User
from clients.services import invitation_create
from itsm.exceptions import ApplicationError
from itsm.models import OutboundEmail
from itsm.outbox import email_enqueue
from itsm.tenancy import CLIENT_SIDE_ROLES, Role, is_provider_staff
from tickets.attachments import check_upload
from tickets.models import Channel, Ticket
from tickets.notifications import thread_root
from tickets.services import ticket_create, ticket_reply

from .models import ClientEmailDomain, InboundEmail
from .parsing import ParsedMessage, parse
from .quotes import strip_quoted

Status = InboundEmail.Status


def intake_message(*, raw: bytes, now: datetime) -> InboundEmail:
    """Keep `raw` and turn it into a ticket, a reply, a triage row, a refusal or nothing.

    Never raises for what a sender can put in a message: the row is committed whatever the
    parse or the ticket services say, so the caller may then delete the message at its source.
    A message already taken in (same Message-ID and sender) is not taken twice.
    """
    limit = settings.INTAKE_MAX_BYTES
    too_big = len(raw) > limit
    parsed = parse(raw, headers_only=too_big)
    try:
        return _intake_once(raw, parsed, too_big=too_big, now=now)
    except IntegrityError:
        # A concurrent intake of the same message committed first; everything this one filed
        # was rolled back with its row.
        earlier = _earlier(parsed)
        if earlier is None:
            raise
        return earlier


def _earlier(parsed: ParsedMessage) -> InboundEmail | None:
    if not parsed.message_id:
        return None
    return InboundEmail.objects.filter(
        message_id=parsed.message_id, from_address=parsed.from_address
    ).first()


def _intake_once(raw: bytes, parsed: ParsedMessage, *, too_big: bool, now: datetime):
    limit = settings.INTAKE_MAX_BYTES
    with transaction.atomic():
        earlier = _earlier(parsed)
        if earlier is not None:
            return earlier
        row = InboundEmail(
            message_id=parsed.message_id,
            from_address=parsed.from_address,
            from_name=parsed.from_name,
            subject=parsed.subject,
            text=parsed.text,
            raw=raw[:limit],
            size=len(raw),
            received_at=now,
        )
        _decide(row, parsed, too_big=too_big, now=now)
        row.reason = row.reason[:500]
        row.save()
    return row


def _decide(row: InboundEmail, parsed: ParsedMessage, *, too_big: bool, now: datetime) -> None:
    if parsed.robot_reason:
        # Never a ticket and never an answer: answering a robot starts a mail loop.
        row.status, row.reason = Status.IGNORED, parsed.robot_reason
        return
    if parsed.from_address in _own_addresses():
        row.status, row.reason = Status.IGNORED, "sent by this service itself"
        return
    recent = InboundEmail.objects.filter(
        from_address=parsed.from_address, received_at__gt=now - timedelta(hours=1)
    ).count()
    if recent >= settings.INTAKE_RATE_PER_HOUR:
        row.status = Status.IGNORED
        row.reason = f"rate limit: {recent} messages from this sender in the last hour"
        return
    sender = (
        User.objects.select_related("client", "site")
        .filter(email__iexact=parsed.from_address, is_active=True)
        .first()
    )
    if sender is None or sender.role not in CLIENT_SIDE_ROLES or sender.client_id is None:
        _to_triage_unknown(row, parsed, sender)
        return
    row.client = sender.client
    if not sender.client.is_active:
        row.status, row.reason = Status.REFUSED, "client suspended"
        _send_refusal(sender)
        return
    if too_big:
        row.status = Status.TRIAGE
        row.reason = f"message of {row.size} bytes is over the {settings.INTAKE_MAX_BYTES} limit"
        return
    files, refused = _uploads(parsed)
    if parsed.ticket_reference:
        _reply(row, parsed, sender, files, refused, now)
    else:
        _new_ticket(row, parsed, sender, files, refused, now)


def _own_addresses() -> set[str]:
    own = {parseaddr(settings.DEFAULT_FROM_EMAIL)[1], parseaddr(settings.SERVICE_MAILBOX)[1]}
    return {address.lower() for address in own if address}


def _to_triage_unknown(row: InboundEmail, parsed: ParsedMessage, sender: User | None) -> None:
    row.status = Status.TRIAGE
    if sender is not None:
        row.reason = "sender is not a client's person"
        return
    domain = parsed.from_address.rpartition("@")[2]
    known = ClientEmailDomain.objects.select_related("client").filter(domain=domain).first()
    if known is None:
        row.reason = "unknown sender"
        return
    # Staff decide whether to invite: an address on a client's domain is easy to forge, and
    # an invitation is the client's decision to let someone in.
    row.client = known.client
    row.reason = "unknown sender from the client's mail domain: invite or assign"


def _uploads(parsed: ParsedMessage) -> tuple[list, list[str]]:
    """Attachments as uploads the portal's rules accept, and why the others were left out."""
    files, refused = [], []
    for attachment in parsed.attachments:
        upload = SimpleUploadedFile(attachment.filename, attachment.data, attachment.content_type)
        if len(files) >= settings.ATTACHMENT_MAX_FILES:
            refused.append(f"{attachment.filename}: over {settings.ATTACHMENT_MAX_FILES} files")
            continue
        try:
            check_upload(upload)
        except ApplicationError as exc:
            refused.append(str(exc.message))
            continue
        files.append(upload)
    return files, refused


def _body(text: str) -> str:
    return text.strip() or _("(The email had no text.)")


def _new_ticket(row, parsed, sender, files, refused, now) -> None:
    try:
        ticket = ticket_create(
            actor=sender,
            requester=sender,
            subject=parsed.subject or _("(no subject)"),
            description=_body(parsed.text),
            channel=Channel.EMAIL,
            files=files,
            now=now,
        )
    except (ApplicationError, PermissionDenied) as exc:
        row.status, row.reason = Status.TRIAGE, f"ticket refused: {exc}"
        return
    row.status, row.ticket = Status.TICKET, ticket
    row.reason = "; ".join(refused)


def reply_target(parsed: ParsedMessage, sender: User) -> Ticket | None:
    """The ticket a reply belongs to, only if every sign agrees: the subject's reference, a
    Message-ID we sent to this very address in that ticket's thread, and the sender being the
    ticket's requester (of that client). A forged reference matches none of these together."""
    ticket = (
        Ticket.objects.filter(reference=parsed.ticket_reference, client_id=sender.client_id)
        .select_related("client")
        .first()
    )
    if ticket is None or ticket.requester_id != sender.pk or not parsed.thread_ids:
        return None
    ours = OutboundEmail.objects.filter(
        message_id__in=parsed.thread_ids,
        to__iexact=sender.email,
        headers__References=thread_root(ticket),
    )
    return ticket if ours.exists() else None


def _reply(row, parsed, sender, files, refused, now) -> None:
    ticket = reply_target(parsed, sender)
    if ticket is None:
        row.status = Status.TRIAGE
        row.reason = f"{parsed.ticket_reference}: not a reply to this sender's own ticket thread"
        return
    row.text = strip_quoted(parsed.text)
    try:
        ticket_reply(actor=sender, ticket=ticket, body=_body(row.text), files=files, now=now)
    except (ApplicationError, PermissionDenied) as exc:
        row.status, row.ticket, row.reason = Status.TRIAGE, ticket, f"reply refused: {exc}"
        return
    row.status, row.ticket = Status.REPLY, ticket
    row.reason = "; ".join(refused)


def _send_refusal(sender: User) -> None:
    with translation.override(sender.language or settings.LANGUAGE_CODE):
        reason = sender.client.suspension_reason or _("contact your service provider")
        email_enqueue(
            to=sender.email,
            subject=_("Your email was not accepted"),
            body=render_to_string(
                "intake/email/refused.txt",
                {"person": sender, "client": sender.client, "reason": reason},
            ),
        )


def _ensure_staff(actor: User) -> None:
    if not is_provider_staff(actor):
        raise PermissionDenied(_("Only the service desk handles incoming email."))


def _lock_waiting(row: InboundEmail) -> InboundEmail:
    row = InboundEmail.objects.select_for_update().get(pk=row.pk)
    if row.status != Status.TRIAGE:
        raise ApplicationError(_("Someone already handled this email."))
    return row


@transaction.atomic
def inbound_assign(
    *, actor: User, inbound: InboundEmail, requester: User, now: datetime
) -> InboundEmail:
    """Make a waiting email a ticket of `requester` (whose client the actor must serve)."""
    _ensure_staff(actor)
    row = _lock_waiting(inbound)
    if row.client_id is not None and requester.client_id != row.client_id:
        raise ApplicationError(_("The requester belongs to another client than this email."))
    parsed = parse(bytes(row.raw), headers_only=row.size > settings.INTAKE_MAX_BYTES)
    files, refused = _uploads(parsed)
    ticket = ticket_create(
        actor=actor,
        requester=requester,
        subject=row.subject or _("(no subject)"),
        description=_body(row.text),
        channel=Channel.EMAIL,
        files=files,
        now=now,
    )
    row.status, row.ticket, row.client = Status.TICKET, ticket, ticket.client
    row.handled_by, row.handled_at = actor, now
    row.reason = "; ".join([f"assigned by {actor.username}", *refused])[:500]
    row.save()
    return row


@transaction.atomic
def inbound_discard(*, actor: User, inbound: InboundEmail, now: datetime) -> InboundEmail:
    _ensure_staff(actor)
    row = _lock_waiting(inbound)
    row.status, row.handled_by, row.handled_at = Status.DISCARDED, actor, now
    row.reason = f"discarded by {actor.username}"
    row.save(update_fields=["status", "handled_by", "handled_at", "reason"])
    return row


@transaction.atomic
def inbound_invite(*, actor: User, inbound: InboundEmail, now: datetime):
    """Invite the unknown sender to the row's client as an end user; the row keeps waiting
    (assign it once they have an account, or now to a colleague)."""
    _ensure_staff(actor)
    row = _lock_waiting(inbound)
    if row.client is None or not row.from_address:
        raise ApplicationError(_("Assign the email to a client first."))
    invitation = invitation_create(
        actor=actor,
        client=row.client,
        email=row.from_address,
        role=Role.END_USER,
        now=now,
    )
    row.reason = f"invited by {actor.username}"
    row.save(update_fields=["reason"])
    return invitation
