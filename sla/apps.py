from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SlaConfig(AppConfig):
    name = "sla"
    verbose_name = _("Service levels")

    def ready(self):
        from tickets.signals import ticket_changed, ticket_creating

        from .receivers import ticket_changed_receiver, ticket_creating_receiver

        ticket_creating.connect(ticket_creating_receiver, dispatch_uid="sla.clocks_plan")
        ticket_changed.connect(ticket_changed_receiver, dispatch_uid="sla.clocks_sync")

        from itsm.config_cache import watch

        from .models import (
            BusinessCalendar,
            CalendarDay,
            EscalationRule,
            ServiceTier,
            TierAssignment,
            TierTarget,
        )

        # New tickets read these from per-process copies (sla.tiers, sla.clocks).
        watch(
            BusinessCalendar, CalendarDay, ServiceTier, TierTarget, TierAssignment, EscalationRule
        )

        from tickets.views import WORKSPACE_PANELS

        from .panels import sla_workspace_panel

        if sla_workspace_panel not in WORKSPACE_PANELS:
            WORKSPACE_PANELS.append(sla_workspace_panel)

        from tickets.selectors import TICKET_FILTERS

        from .selectors import SLA_STATES, tickets_by_sla_state

        TICKET_FILTERS["sla"] = (SLA_STATES, tickets_by_sla_state)

        from tickets.models import EVENT_FACTS

        from .facts import event_text

        EVENT_FACTS["sla"] = event_text

        from itsm.outbox import renderer_register

        from .escalation import TEMPLATE, email_context

        renderer_register(TEMPLATE, email_context)
