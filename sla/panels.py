"""The SLA panel in the ticket workspace and the client manager's ticket page."""

from .selectors import sla_clocks_for


def sla_workspace_panel(*, user, ticket) -> tuple[str, list]:
    return "sla/_panel.html", sla_clocks_for(user=user, ticket=ticket)
