from clients.models import Team
from itsm.tenancy import TenantQuerySet


class NotificationQuerySet(TenantQuerySet):
    def visible_to(self, user):
        """One's own notifications, and only of clients one may still see: an agent whose team
        stopped serving a client no longer sees that client's tickets through them."""
        return super().visible_to(user).filter(recipient_id=user.pk)

    def for_agent(self, user):
        # The ids when the page has read them already (the queue and the workspace do); else a
        # subquery rather than served_client_ids(): the bell costs one query on every page.
        served = user.served_client_ids_if_read()
        if served is None:
            served = Team.clients.through.objects.filter(team__members=user).values("client_id")
        return self.filter(client_id__in=served)

    def unread(self):
        return self.filter(read_at__isnull=True)
