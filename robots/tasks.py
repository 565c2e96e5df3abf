"""Thin Celery wrappers around robots.delivery."""

from celery import shared_task

from . import delivery


@shared_task(name="robots.tasks.robot_messages_send", acks_late=True)
def robot_messages_send(message_ids: list[int]) -> int:
    return sum(delivery.message_send(message_id=pk) for pk in message_ids)


@shared_task(name="robots.tasks.robots_drain")
def robots_drain() -> int:
    return delivery.robots_drain()
