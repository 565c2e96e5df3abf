from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "reports.complaints"
    label = "complaints"
    verbose_name = _("Complaints")

    def ready(self):
        # Hooks into lower layers, which never import this app.
        from sla import sweep_hooks
        from tickets import presenters
        from tickets.views import WORKSPACE_PANELS

        from .panels import complaint_workspace_panel, queue_complaint_flags
        from .tasks import complaints_sweep_hook

        sweep_hooks.register(complaints_sweep_hook)
        if complaint_workspace_panel not in WORKSPACE_PANELS:
            # First in the sidebar: an open complaint matters more than the SLA clocks.
            WORKSPACE_PANELS.insert(0, complaint_workspace_panel)
        if queue_complaint_flags not in presenters.ROW_MARKERS:
            presenters.ROW_MARKERS.append(queue_complaint_flags)
