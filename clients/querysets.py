"""Tenant-scoped querysets of the clients app."""

from django.db import models
from django.db.models import Q

from itsm.tenancy import STAFF_ROLES, Role, TenantQuerySet


class ClientQuerySet(TenantQuerySet):
    client_lookup = "pk"

    def active(self):
        return self.filter(status="active")


class SiteQuerySet(TenantQuerySet):
    def active(self):
        return self.filter(is_active=True)


class AgreementQuerySet(TenantQuerySet):
    pass


class InvitationQuerySet(TenantQuerySet):
    def for_end_user(self, user):
        return self.none()

    def pending(self):
        return self.filter(accepted_at__isnull=True)


class UserQuerySet(TenantQuerySet):
    """People: staff see client-side people of the clients they serve and other staff."""

    def for_agent(self, user):
        return self.filter(Q(client__in=user.served_client_ids()) | Q(role__in=STAFF_ROLES))

    def for_end_user(self, user):
        if user.is_site_lead and user.site_id:
            return self.filter(site_id=user.site_id)
        return self.filter(pk=user.pk)

    def agents(self):
        return self.filter(role=Role.AGENT, is_active=True)


class ApiTokenQuerySet(models.QuerySet):
    """Tokens belong to one person: nobody else reads them, admins work in the admin site."""

    def owned_by(self, user):
        if user is None or not user.is_authenticated:
            return self.none()
        return self.filter(user=user)

    def active(self):
        return self.filter(revoked_at__isnull=True)
