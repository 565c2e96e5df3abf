"""Celery wrappers of the report services (thin: ids only)."""

from celery import shared_task
from django.utils import timezone


@shared_task(acks_late=True)
def monthly_report_generate(report_id: int) -> None:
    from .services import monthly_report_generate as generate

    generate(report_id=report_id, now=timezone.now())


@shared_task
def monthly_reports_resume() -> int:
    """Every few minutes: reports whose generation task was never sent (broker down)."""
    from .services import monthly_reports_resume as resume

    return len(resume(now=timezone.now()))


@shared_task(acks_late=True)
def monthly_reports_schedule() -> int:
    from .services import monthly_reports_schedule as schedule

    return schedule(now=timezone.now())
