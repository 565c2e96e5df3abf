"""The ticket status workflow: which transitions exist and who may make them."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from itsm.exceptions import ApplicationError

from .models import Status

ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.NEW: frozenset(
        {Status.ASSIGNED, Status.IN_PROGRESS, Status.WAITING, Status.RESOLVED, Status.CANCELLED}
    ),
    Status.ASSIGNED: frozenset(
        {Status.NEW, Status.IN_PROGRESS, Status.WAITING, Status.RESOLVED, Status.CANCELLED}
    ),
    Status.IN_PROGRESS: frozenset(
        {Status.ASSIGNED, Status.WAITING, Status.RESOLVED, Status.CANCELLED}
    ),
    Status.WAITING: frozenset({Status.IN_PROGRESS, Status.RESOLVED, Status.CANCELLED}),
    Status.RESOLVED: frozenset({Status.CLOSED, Status.REOPENED}),
    Status.REOPENED: frozenset(
        {Status.ASSIGNED, Status.IN_PROGRESS, Status.WAITING, Status.RESOLVED, Status.CANCELLED}
    ),
    Status.CLOSED: frozenset(),
    Status.CANCELLED: frozenset(),
}

# What the requester may do themselves: confirm, reopen, withdraw an untouched ticket.
REQUESTER_TRANSITIONS: frozenset[tuple[str, str]] = frozenset(
    {
        (Status.RESOLVED, Status.CLOSED),
        (Status.RESOLVED, Status.REOPENED),
        (Status.NEW, Status.CANCELLED),
    }
)


def ensure_transition_allowed(*, actor, current: str, target: str) -> None:
    """Raise ApplicationError with a message a person can act on if the move is illegal."""
    if target not in ALLOWED_TRANSITIONS.get(current, frozenset()):
        raise ApplicationError(
            _("A ticket that is “%(current)s” cannot become “%(target)s”.")
            % {"current": Status(current).label, "target": Status(target).label},
            {"code": "illegal_transition", "allowed": sorted(ALLOWED_TRANSITIONS.get(current, ()))},
        )
    if actor.is_provider_staff:
        return
    # The caller has checked that a client-side actor is the requester's side (services).
    if (current, target) in REQUESTER_TRANSITIONS:
        return
    raise PermissionDenied(
        _("Only the service desk can set a ticket to “%(target)s”.")
        % {"target": Status(target).label}
    )
