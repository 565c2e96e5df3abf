"""The SLA engine listens to tickets (which never import sla) through their signal."""

from .clocks import clocks_plan
from .services import clocks_sync


def ticket_creating_receiver(sender, *, ticket, now, **kwargs) -> None:
    clocks_plan(ticket=ticket, now=now)


def ticket_changed_receiver(sender, *, ticket, actor, change, now, **kwargs) -> None:
    clocks_sync(ticket=ticket, actor=actor, change=change, now=now)
