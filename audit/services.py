"""Recording audit events: the one write path of the audit log."""

from datetime import datetime

from django.utils import timezone

from itsm.client_ip import client_ip
from itsm.params import clean_text

from .context import current_request
from .models import AuditEvent


def _ip(request) -> str | None:
    if request is None:
        return None
    return client_ip(request)


def _user(candidate):
    return candidate if candidate is not None and candidate.is_authenticated else None


def audit_record(
    *,
    actor,
    action: str,
    subject_user=None,
    client=None,
    changes: dict | None = None,
    request=None,
    actor_label: str = "",
    now: datetime | None = None,
) -> AuditEvent:
    """Append one event. Without `request`, the request being served (if any) gives the IP and,
    without `actor`, the signed-in actor. `client` defaults to the subject's client, which is
    what lets that client's managers see the event."""
    request = request if request is not None else current_request()
    if actor is None and request is not None:
        actor = _user(getattr(request, "user", None))
    client_id = client.pk if client is not None else None
    if client_id is None and subject_user is not None:
        client_id = subject_user.client_id
    label = actor_label or (actor.get_username() if actor is not None else "")
    return AuditEvent.objects.create(
        at=now or timezone.now(),
        action=action,
        actor=actor,
        actor_label=clean_text(label, 150),
        subject_user=subject_user,
        client_id=client_id,
        ip=_ip(request),
        changes=changes or {},
    )
