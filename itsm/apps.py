from django.apps import AppConfig


class ItsmConfig(AppConfig):
    name = "itsm"
    verbose_name = "ITSM"

    def ready(self) -> None:
        from .celery import ensure_embedded_broker_folders

        ensure_embedded_broker_folders()
