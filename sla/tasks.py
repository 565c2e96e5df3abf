"""Thin Celery wrappers around SLA services."""

from celery import shared_task
from django.utils import timezone


@shared_task(name="sla.tasks.sla_sweep")
def sla_sweep() -> int:
    from . import sweep_hooks
    from .services import sla_sweep as sweep

    now = timezone.now()
    flagged = sweep(now=now)
    sweep_hooks.run_all(now=now)  # apps above sla (complaints) share this one scheduler
    return flagged
