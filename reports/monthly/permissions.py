"""Who may do what with monthly reports (raise PermissionDenied; visibility itself is tenancy's).

Reading: a client's managers and the provider staff serving it (admins: all), through
MonthlyReport.objects.visible_to. Signing off and disputing: the client's managers. Answering
and correcting: provider staff serving the client.
"""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from clients.models import Client
from itsm.tenancy import Role


def may_use_reports(user) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_provider_staff or user.role == Role.CLIENT_MANAGER)
    )


def ensure_may_request(actor, client: Client) -> None:
    if not may_use_reports(actor):
        raise PermissionDenied(_("Reports are for client managers and the service desk."))
    if not Client.objects.visible_to(actor).filter(pk=client.pk).exists():
        raise PermissionDenied(_("You do not serve this client."))


def ensure_client_manager_of(actor, client_id: int) -> None:
    if actor.role != Role.CLIENT_MANAGER or actor.client_id != client_id:
        raise PermissionDenied(_("Only the client's managers sign off or dispute its reports."))


def ensure_staff_serving(actor, client: Client) -> None:
    if not actor.is_provider_staff:
        raise PermissionDenied(_("Only the service desk answers disputes and corrects reports."))
    ensure_may_request(actor, client)
