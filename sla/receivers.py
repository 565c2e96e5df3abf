"""The SLA engine listens to tickets (which never import sla) through their signal."""

from .services import clocks_sync


def ticket_changed_receiver(sender, *, ticket, actor, change, now, **kwargs) -> None:
    clocks_sync(ticket=ticket, actor=actor, change=change, now=now)
