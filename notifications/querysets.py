from clients.models import Team
from itsm.tenancy import TenantQuerySet


class NotificationQuerySet(TenantQuerySet):
    def visible_to(self, user):
        """One's own notifications, and only of clients one may still see: an agent whose team
        stopped serving a client no longer sees that client's tickets through them."""
        return super().visible_to(user).filter(recipient_id=user.pk)

    def for_agent(self, user):
        # A subquery rather than served_client_ids(): the bell costs one query on every page.
        served = Team.clients.through.objects.filter(team__members=user).values("client_id")
        return self.filter(client_id__in=served)

    def unread(self):
        return self.filter(read_at__isnull=True)
