"""Email outbox: rows written in the caller's transaction, sent by Celery after commit.

If the broker is unreachable the row stays unsent and the periodic drain sends it later.
"""

import logging
import smtplib
from datetime import timedelta
from email.utils import make_msgid

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from .models import OutboundEmail

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
    claimed = OutboundEmail.objects.filter(
        due_filter(now), pk=email_id, sent_at__isnull=True, attempts__lt=MAX_ATTEMPTS
    ).update(
        attempted_at=now,
        next_attempt_at=now + UNCONFIRMED_RETRY_AFTER,
        attempts=F("attempts") + 1,
    )
    if not claimed:
        return None
    email = OutboundEmail.objects.get(pk=email_id)
    if not email.message_id:  # rows stored before Message-IDs existed get theirs now, once
        email.message_id = _message_id()
        email.save(update_fields=["message_id"])
    return email


def due_filter(now) -> Q:
    return Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)


def outbound_email_send(*, email_id: int, now=None) -> bool:
    """Send one stored email unless it is sent or claimed; True if this call delivered it."""
    email = outbound_email_claim(email_id=email_id, now=now)
    if email is None:
        return False
    message = EmailMessage(
        email.subject,
        email.body,
        settings.DEFAULT_FROM_EMAIL,
        [email.to],
        headers={**(email.headers or {}), "Message-ID": email.message_id},
    )
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
