"""The complaint workflow as data: which moves exist, read by services and pages alike."""

from django.utils.translation import gettext as _

from itsm.exceptions import ApplicationError

from .models import Status

ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    Status.OPEN: frozenset({Status.ACKNOWLEDGED}),
    Status.ACKNOWLEDGED: frozenset({Status.INVESTIGATING}),
    Status.INVESTIGATING: frozenset({Status.RESOLVED}),
    # The client accepts the resolution (closed) or rejects it with a reason (reopened).
    Status.RESOLVED: frozenset({Status.CLOSED, Status.REOPENED}),
    Status.REOPENED: frozenset({Status.INVESTIGATING, Status.RESOLVED}),
    Status.CLOSED: frozenset(),
}

# The provider's moves and the client's moves; a page offers a move only to its side.
HANDLER_TARGETS = frozenset({Status.ACKNOWLEDGED, Status.INVESTIGATING, Status.RESOLVED})
CLIENT_TARGETS = frozenset({Status.CLOSED, Status.REOPENED})


def can_move(current: str, target: str) -> bool:
    return target in ALLOWED_TRANSITIONS.get(current, frozenset())


def ensure_transition_allowed(*, current: str, target: str) -> None:
    """Raise ApplicationError with a message a person can act on if the move is illegal."""
    if not can_move(current, target):
        raise ApplicationError(
            _("A complaint that is “%(current)s” cannot become “%(target)s”.")
            % {"current": Status(current).label, "target": Status(target).label},
            {
                "code": "illegal_transition",
                "allowed": sorted(ALLOWED_TRANSITIONS.get(current, ())),
            },
        )
