"""The one place that decides which tenant-owned rows a user may see.

Every tenant-owned model's queryset derives from TenantQuerySet; views, API, exports and
downloads read through `visible_to(user)`. Nothing here imports an app: the user is duck-typed
(role, client_id, client, served_client_ids()).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    END_USER = "end_user", _("End user")
    CLIENT_MANAGER = "client_manager", _("Client manager")
    AGENT = "agent", _("Agent")
    ADMIN = "admin", _("Administrator")


CLIENT_SIDE_ROLES = frozenset({Role.END_USER, Role.CLIENT_MANAGER})
STAFF_ROLES = frozenset({Role.AGENT, Role.ADMIN})


def sees_everything(user) -> bool:
    return bool(user.is_superuser or user.role == Role.ADMIN)


def is_provider_staff(user) -> bool:
    """Provider staff (agents, admins, superusers): may see internal notes of the clients they
    can see. The one meaning of "staff" here; Django's `is_staff` only opens /admin/."""
    return bool(user.is_superuser or user.role in STAFF_ROLES)


def client_side_blocked(user) -> bool:
    """A client-side person without an active client sees nothing."""
    if user.role not in CLIENT_SIDE_ROLES:
        return False
    client = user.client
    return client is None or not client.is_active


class TenantQuerySet(models.QuerySet):
    """Base queryset for rows owned by a client.

    `client_lookup` is the path from the row to the Client's id. Subclasses adjust what an
    agent sees by overriding `for_agent` and narrow what an end user sees by overriding
    `for_end_user`; the rest of the rule (inactive, admins, suspended clients) stays here.
    """

    client_lookup = "client"

    def visible_to(self, user):
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if sees_everything(user):
            return self
        if user.role == Role.AGENT:
            return self.for_agent(user)
        if client_side_blocked(user):
            return self.none()
        scoped = self.filter(**{self.client_lookup: user.client_id})
        if user.role == Role.END_USER:
            return scoped.for_end_user(user)
        return scoped

    def for_agent(self, user):
        return self.filter(**{f"{self.client_lookup}__in": user.served_client_ids()})

    def for_end_user(self, user):
        return self
