from django.apps import AppConfig


class ItsmConfig(AppConfig):
    name = "itsm"
    verbose_name = "ITSM"

    def ready(self) -> None:
        from django.urls import register_converter

        from .celery import ensure_embedded_broker_folders
        from .params import IdConverter

        ensure_embedded_broker_folders()
        # Before any urls module is imported: routes declare ids as <id:name>.
        register_converter(IdConverter, "id")
