"""Email outbox: rows written in the caller's transaction, sent by Celery after commit.

If the broker is unreachable the row stays unsent and the periodic drain sends it later.
"""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from .models import OutboundEmail

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 10


def email_enqueue(*, to: str, subject: str, body: str) -> OutboundEmail | None:
    """Store an email and schedule its sending once the surrounding transaction commits."""
    if not to:
        return None
    email = OutboundEmail.objects.create(to=to, subject=subject[:300], body=body)
    transaction.on_commit(lambda: _dispatch(email.pk))
    return email


def _dispatch(email_id: int) -> None:
    from .tasks import outbound_email_send

    try:
        outbound_email_send.delay(email_id)
    except Exception as exc:  # broker down: the drain task sends it later
        log.warning("broker unreachable, email %s left for the outbox drain: %s", email_id, exc)


def outbound_email_send(*, email_id: int) -> bool:
    """Send one stored email once; safe to call twice (a sent row is skipped)."""
    with transaction.atomic():
        email = (
            OutboundEmail.objects.select_for_update()
            .filter(pk=email_id, sent_at__isnull=True)
            .first()
        )
        if email is None:
            return False
        email.attempts += 1
        try:
            send_mail(email.subject, email.body, settings.DEFAULT_FROM_EMAIL, [email.to])
        except Exception as exc:  # SMTP trouble: keep the row for the next drain
            email.last_error = f"{type(exc).__name__}: {exc}"[:500]
            email.save(update_fields=["attempts", "last_error"])
            return False
        email.sent_at = timezone.now()
        email.save(update_fields=["attempts", "sent_at", "last_error"])
        return True


def outbox_drain(*, limit: int = 200) -> int:
    """Send what is still unsent (e.g. enqueued while the broker was down)."""
    ids = list(
        OutboundEmail.objects.filter(sent_at__isnull=True, attempts__lt=MAX_ATTEMPTS)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(outbound_email_send(email_id=pk) for pk in ids)
