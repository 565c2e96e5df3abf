"""Thin Celery wrappers around satisfaction services."""

from celery import shared_task


@shared_task(name="reports.satisfaction.tasks.surveys_send_due")
def surveys_send_due() -> dict:
    from .surveys import surveys_send_due as send

    return send()
