"""Project package: settings, urls, Celery app and the tenancy rules every query goes through."""

from .celery import app as celery_app

__all__ = ("celery_app",)
