"""Thin Celery wrappers around ticket services."""

from celery import shared_task


@shared_task(name="tickets.tasks.tickets_auto_close")
def tickets_auto_close() -> int:
    from .services import tickets_auto_close as close

    return close()
