from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TicketsConfig(AppConfig):
    name = "tickets"
    verbose_name = _("Tickets")

    def ready(self):
        from itsm.config_cache import watch
        from itsm.outbox import renderer_register

        from . import queue_lists
        from .models import PriorityRule
        from .notifications import CREATED, created_email_context

        queue_lists.connect()
        watch(PriorityRule)  # priority_for reads the matrix from per-process copies
        renderer_register(CREATED, created_email_context)
