from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SatisfactionConfig(AppConfig):
    name = "reports.satisfaction"
    label = "satisfaction"
    verbose_name = _("Satisfaction")

    def ready(self):
        from tickets.signals import ticket_changed, ticket_rated

        from .receivers import ticket_changed_receiver, ticket_rated_receiver

        ticket_changed.connect(ticket_changed_receiver, dispatch_uid="satisfaction.csat_request")
        ticket_rated.connect(ticket_rated_receiver, dispatch_uid="satisfaction.rating_recorded")
