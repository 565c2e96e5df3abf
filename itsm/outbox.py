"""Email outbox: rows written in the caller's transaction, sent by Celery after commit.

If the broker is unreachable the row stays unsent and the periodic drain sends it later.
"""

import logging
import smtplib
from collections.abc import Callable
from datetime import timedelta
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import OutboundEmail
from .rows import rows_insert

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 10
# A claimed row whose send never reported back (worker killed, or SMTP accepted the message and
# the connection died before the reply) may or may not have reached the server. Retrying at
# once would risk a duplicate; never retrying would risk a loss. We wait this long, then send
# it again with the same Message-ID, so a rare duplicate is late and recognisable, not lost.
UNCONFIRMED_RETRY_AFTER = timedelta(minutes=30)


def email_enqueue(
    *, to: str, subject: str, body: str, headers: dict[str, str] | None = None
) -> OutboundEmail | None:
    """Store an email and schedule its sending once the surrounding transaction commits."""
    if not to:
        return None
    email = OutboundEmail.objects.create(
        to=to, subject=subject[:300], body=body, message_id=_message_id(), headers=headers or {}
    )
    transaction.on_commit(lambda: _dispatch(email.pk))
    return email


# template name -> function turning a row's stored context (ids) into the template's context.
# Apps register theirs in AppConfig.ready(); the sender renders rows whose body is empty.
RENDERERS: dict[str, Callable[[dict], dict]] = {}


def renderer_register(template: str, build: Callable[[dict], dict]) -> None:
    RENDERERS[template] = build


def email_enqueue_rendered_later(
    emails: list[tuple[str, str, dict, str]], *, headers: dict[str, str] | None = None
) -> list[int]:
    """Store many emails as (to, template, context ids, language) in one INSERT and one broker
    message after commit; each is rendered by its sender, so the caller pays for neither.
    `headers` go on every one of them. Returns the ids of the rows stored."""
    emails = [email for email in emails if email[0]]
    ids = rows_insert(
        OutboundEmail,
        {
            "to": [to for to, _template, _context, _language in emails],
            "template": [template for _to, template, _context, _language in emails],
            "context": [context for _to, _template, context, _language in emails],
            "language": [language for _to, _template, _context, language in emails],
            "message_id": [_message_id() for _email in emails],
        },
        same={"subject": "", "body": "", "headers": headers or {}},
    )
    if ids:
        transaction.on_commit(lambda: _dispatch_many(ids))
    return ids


def email_render(email: OutboundEmail) -> tuple[str, str]:
    """Subject and body of a row stored for rendering: first line of the template is the subject."""
    with translation.override(email.language or settings.LANGUAGE_CODE):
        text = render_to_string(email.template, RENDERERS[email.template](email.context))
    subject, _newline, body = text.strip().partition("\n")
    return subject.strip()[:300], body.strip()


def _dispatch_many(email_ids: list[int]) -> None:
    from .tasks import outbound_emails_send

    try:
        outbound_emails_send.delay(email_ids)
    except Exception as exc:  # broker down: the drain task sends them later
        log.warning(
            "broker unreachable, %s emails left for the outbox drain: %s", len(email_ids), exc
        )


def _dispatch(email_id: int) -> None:
    from .tasks import outbound_email_send

    try:
        outbound_email_send.delay(email_id)
    except Exception as exc:  # broker down: the drain task sends it later
        log.warning("broker unreachable, email %s left for the outbox drain: %s", email_id, exc)


def mail_domain() -> str:
    return settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip("> ") or "localhost"


def _message_id() -> str:
    return make_msgid(domain=mail_domain())


def outbound_email_claim(*, email_id: int, now=None) -> OutboundEmail | None:
    """Take one due, unsent row for sending, or None if it is sent, not due or someone has it.

    The claim is a single conditional UPDATE committed before any SMTP traffic: of two senders
    (task and drain, or two drains) exactly one changes the row. It also pushes the next attempt
    UNCONFIRMED_RETRY_AFTER away, which is what a killed worker leaves behind.
    """
    now = now or timezone.now()
    unsent = OutboundEmail.objects.filter(
        pk=email_id, sent_at__isnull=True, attempts__lt=MAX_ATTEMPTS
    )
    if not claim(unsent, now=now, retry_after=UNCONFIRMED_RETRY_AFTER):
        return None
    email = OutboundEmail.objects.get(pk=email_id)
    if not email.message_id:  # rows stored before Message-IDs existed get theirs now, once
        email.message_id = _message_id()
        email.save(update_fields=["message_id"])
    return email


def due_filter(now) -> Q:
    return Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)


def claim(rows, *, now, retry_after) -> bool:
    """Take the due one of `rows` (an outbox row, unsent) for sending: one conditional UPDATE,
    so of two senders exactly one wins; the next attempt moves `retry_after` away, which is
    what a sender killed mid-send leaves behind."""
    return bool(
        rows.filter(due_filter(now)).update(
            attempted_at=now, next_attempt_at=now + retry_after, attempts=F("attempts") + 1
        )
    )


def outbound_email_send(*, email_id: int, now=None) -> bool:
    """Send one stored email unless it is sent or claimed; True if this call delivered it."""
    email = outbound_email_claim(email_id=email_id, now=now)
    if email is None:
        return False
    if email.template and not email.body:
        # Stored once, so a retry after an unconfirmed attempt sends the very same message.
        try:
            email.subject, email.body = email_render(email)
        except Exception as exc:  # e.g. its ticket was deleted since: recorded, retried later
            OutboundEmail.objects.filter(pk=email.pk).update(
                last_error=f"{type(exc).__name__}: {exc}"[:500]
            )
            return False
        OutboundEmail.objects.filter(pk=email.pk).update(subject=email.subject, body=email.body)
    connection = get_connection()
    message = EmailMessage(
        email.subject,
        email.body,
        settings.DEFAULT_FROM_EMAIL,
        [email.to],
        headers={**(email.headers or {}), "Message-ID": email.message_id},
        connection=connection,
    )
    try:
        # Connecting (greeting, TLS, login) hands over no message: a server that hangs or
        # refuses here took nothing, so the row is retried at the next drain, not in 30 minutes.
        connection.open()
    except Exception as exc:
        OutboundEmail.objects.filter(pk=email.pk).update(
            last_error=f"{type(exc).__name__}: {exc}"[:500], next_attempt_at=timezone.now()
        )
        return False
    try:
        message.send()
    except Exception as exc:
        # Refused (connection, recipient, auth): nothing was accepted, retry at the next drain.
        # Timed out or cut off: the server may have taken it, so keep the claim's long wait.
        unconfirmed = isinstance(exc, TimeoutError | smtplib.SMTPServerDisconnected)
        OutboundEmail.objects.filter(pk=email.pk).update(
            last_error=f"{type(exc).__name__}: {exc}"[:500],
            **({} if unconfirmed else {"next_attempt_at": timezone.now()}),
        )
        return False
    finally:
        connection.close()
    OutboundEmail.objects.filter(pk=email.pk).update(sent_at=timezone.now(), last_error="")
    return True


def outbox_drain(*, limit: int = 200, now=None) -> int:
    """Send what is still unsent and due (enqueued while the broker was down, failed before, or
    claimed by a worker that died mid-send and left it for UNCONFIRMED_RETRY_AFTER)."""
    now = now or timezone.now()
    ids = list(
        OutboundEmail.objects.filter(
            due_filter(now), sent_at__isnull=True, attempts__lt=MAX_ATTEMPTS
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(outbound_email_send(email_id=pk, now=now) for pk in ids)
