from celery import shared_task
from django.utils import timezone

from .imap import imap_fetch


@shared_task
def intake_imap_fetch() -> int:
    return imap_fetch(now=timezone.now())
