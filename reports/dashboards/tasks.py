"""Celery wrappers of the roll-up services (thin: ids and primitives only)."""

from celery import shared_task
from django.utils import timezone


@shared_task(acks_late=True)
def rollups_refresh() -> int:
    from .rollups import rollups_refresh as refresh

    return refresh(now=timezone.now())
