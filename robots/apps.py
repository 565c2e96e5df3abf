from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RobotsConfig(AppConfig):
    """Staff alerts to chat group robots (WeCom, DingTalk, Feishu); the top floor.

    It stands on clients, tickets, sla and reports.complaints and listens to their signals;
    none of them imports it.
    """

    name = "robots"
    verbose_name = _("Group robots")

    def ready(self):
        from reports.complaints.signals import complaint_escalated, complaint_opened
        from sla.signals import clocks_breached, clocks_warned
        from tickets.signals import ticket_changed, ticket_rated

        from . import receivers

        ticket_changed.connect(receivers.ticket_changed, dispatch_uid="robots.changed")
        ticket_rated.connect(receivers.ticket_rated, dispatch_uid="robots.rated")
        clocks_warned.connect(receivers.clocks_warned, dispatch_uid="robots.warned")
        clocks_breached.connect(receivers.clocks_breached, dispatch_uid="robots.breached")
        complaint_opened.connect(receivers.complaint_opened, dispatch_uid="robots.complaint")
        complaint_escalated.connect(
            receivers.complaint_escalated, dispatch_uid="robots.complaint_escalated"
        )
