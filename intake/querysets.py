"""Who sees which inbound emails: provider staff only, and triage rows without a client too."""

from django.db.models import Q

from itsm.tenancy import TenantQuerySet, is_provider_staff


class InboundEmailQuerySet(TenantQuerySet):
    def visible_to(self, user):
        # Raw mail is the provider's working material (headers, other recipients): never shown
        # to client-side people, even of the row's own client.
        if user is None or not user.is_authenticated or not is_provider_staff(user):
            return self.none()
        return super().visible_to(user)

    def for_agent(self, user):
        # Unassigned rows (unknown senders) have no client yet: every agent may triage them.
        return self.filter(Q(client__in=user.served_client_ids()) | Q(client__isnull=True))


class ClientEmailDomainQuerySet(TenantQuerySet):
    pass
