"""The complaint sweep: run by the SLA beat task through sla.sweep_hooks (one scheduler)."""

from datetime import datetime

from celery import shared_task
from django.utils import timezone


def complaints_sweep_hook(*, now: datetime) -> int:
    """Registered with sla.sweep_hooks in ComplaintsConfig.ready."""
    from .escalation import complaints_sweep

    return complaints_sweep(now=now)


@shared_task(name="reports.complaints.tasks.complaints_sweep")
def complaints_sweep() -> int:
    """The same sweep on demand (e.g. `celery call` after an outage); beat runs it via sla."""
    return complaints_sweep_hook(now=timezone.now())
