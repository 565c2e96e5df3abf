"""Thin Celery wrappers around SLA services."""

from celery import shared_task
from django.utils import timezone


@shared_task(name="sla.tasks.sla_sweep")
def sla_sweep() -> int:
    from .services import sla_sweep as sweep

    return sweep(now=timezone.now())
