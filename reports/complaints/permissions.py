"""Who may do what with a complaint; each rule refuses with a message a person can act on."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from clients.models import Team
from itsm.tenancy import Role

from .models import Complaint, Source


def is_handler(user, client_id: int) -> bool:
    """Provider staff allowed to own complaints of a client: admins, or a lead of a team serving
    the client (complaints go above the agent who handled the tickets)."""
    if not user.is_active:
        return False
    if user.is_admin_role:
        return True
    return user.role == Role.AGENT and Team.objects.filter(lead=user, clients=client_id).exists()


def serves(user, client_id: int) -> bool:
    return user.is_admin_role or (user.role == Role.AGENT and client_id in user.served_client_ids())


def ensure_can_open(actor, client_id: int, source: str) -> None:
    if actor.role == Role.END_USER:
        if actor.client_id != client_id or source != Source.DIRECT:
            raise PermissionDenied(
                _("You can only complain about your own organisation's service.")
            )
        return
    if actor.role == Role.CLIENT_MANAGER:
        if actor.client_id != client_id or source != Source.VIA_CLIENT:
            raise PermissionDenied(
                _("A client manager logs complaints of their own organisation, via the client.")
            )
        return
    if not serves(actor, client_id):
        raise PermissionDenied(_("Only the service desk serving this client can do that."))


def ensure_can_handle(actor, complaint: Complaint) -> None:
    if not is_handler(actor, complaint.client_id):
        raise PermissionDenied(
            _("Only a team lead serving this client or an administrator can handle complaints.")
        )


def is_client_decider(user, complaint: Complaint) -> bool:
    """The client manager of the complaint's client, or the end user who raised it."""
    if not user.is_active or user.client_id != complaint.client_id:
        return False
    if user.role == Role.CLIENT_MANAGER:
        return True
    return user.role == Role.END_USER and complaint.raised_by_id == user.pk


def ensure_client_decides(actor, complaint: Complaint) -> None:
    if not is_client_decider(actor, complaint):
        raise PermissionDenied(
            _("Only the client's manager or the person who complained can accept or reject.")
        )


def ensure_can_note(actor, complaint: Complaint) -> None:
    if not actor.is_provider_staff or not serves(actor, complaint.client_id):
        raise PermissionDenied(_("Only the service desk can write internal notes."))


def actions_for(user, complaint: Complaint) -> set[str]:
    """The moves this person may make now; pages offer exactly these (services still check)."""
    from .workflow import can_move

    status, actions = complaint.status, set()
    if is_handler(user, complaint.client_id):
        for action, target in (
            ("acknowledge", "acknowledged"),
            ("investigate", "investigating"),
            ("resolve", "resolved"),
        ):
            if can_move(status, target):
                actions.add(action)
        if status != "closed":
            actions.add("owner")
    if is_client_decider(user, complaint) and status == "resolved":
        actions |= {"accept", "reject"}
    if status != "closed":
        actions.add("comment")
    if user.is_provider_staff and serves(user, complaint.client_id):
        actions.add("note")
    return actions
