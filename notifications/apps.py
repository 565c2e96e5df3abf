from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    """In-app notifications for provider staff; stands on clients, tickets and sla.

    tickets and sla never import it: it listens to their signals.
    """

    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from sla.signals import clocks_warned
        from tickets.signals import ticket_assigned, ticket_changed

        from . import receivers

        ticket_changed.connect(receivers.ticket_changed, dispatch_uid="notifications.changed")
        ticket_assigned.connect(receivers.ticket_assigned, dispatch_uid="notifications.assigned")
        clocks_warned.connect(receivers.clocks_warned, dispatch_uid="notifications.warned")
