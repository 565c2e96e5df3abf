"""Tenant-scoped querysets of the clients app."""

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
