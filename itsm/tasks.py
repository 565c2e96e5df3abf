"""Installation-wide tasks: heartbeat and the email outbox."""

from celery import shared_task
from django.utils import timezone

from . import outbox
from .models import Heartbeat


@shared_task(name="itsm.tasks.heartbeat")
def heartbeat() -> str:
    now = timezone.now()
    Heartbeat.objects.update_or_create(name="beat", defaults={"beat_at": now})
    return now.isoformat()


@shared_task(name="itsm.tasks.outbound_email_send", acks_late=True)
def outbound_email_send(email_id: int) -> bool:
    return outbox.outbound_email_send(email_id=email_id)


@shared_task(name="itsm.tasks.outbound_emails_send", acks_late=True)
def outbound_emails_send(email_ids: list[int]) -> int:
    """A batch stored by one transaction (e.g. a sweep's escalations): one message to the broker."""
    return sum(outbox.outbound_email_send(email_id=pk) for pk in email_ids)


@shared_task(name="itsm.tasks.outbox_drain")
def outbox_drain() -> int:
    return outbox.outbox_drain()
