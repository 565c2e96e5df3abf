"""Tenant-scoped querysets of the reports app."""

from django.db.models import Exists, OuterRef, Q
from django.db.models.query import QuerySet

from itsm.tenancy import Role, TenantQuerySet, sees_everything


def tier_id_of(user) -> int | None:
    """The service tier serving this end user; computed once per user object."""
    if not hasattr(user, "_notice_tier_id"):
        from sla.tiers import tier_ids_of_people

        user._notice_tier_id = tier_ids_of_people(client_id=user.client_id, people=[user])[user.pk]
    return user._notice_tier_id


class NoticeTargetQuerySet(TenantQuerySet):
    def for_end_user(self, user):
        return self.reaching(user)

    def reaching(self, user):
        """Targets whose sites and tiers include this end user (empty choice = all)."""
        sites = self.model.sites.through.objects.filter(noticetarget_id=OuterRef("pk"))
        tiers = self.model.tiers.through.objects.filter(noticetarget_id=OuterRef("pk"))
        tier_id = tier_id_of(user)
        return self.filter(client_id=user.client_id).filter(
            ~Exists(sites) | Exists(sites.filter(site_id=user.site_id)),
            ~Exists(tiers) | Exists(tiers.filter(servicetier_id=tier_id)),
        )


class NoticeReceiptQuerySet(TenantQuerySet):
    def for_end_user(self, user):
        return self.filter(user_id=user.pk)


class NoticeQuerySet(QuerySet):
    """A notice is the provider's; whoever can see one of its targets can see the notice."""

    def visible_to(self, user):
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if sees_everything(user):
            return self
        targets = self.model.targets.rel.related_model.objects.visible_to(user)
        return self.filter(Exists(targets.filter(notice_id=OuterRef("pk"))))

    def live(self):
        return self.filter(withdrawn_at__isnull=True)

    def current(self, now):
        return self.live().filter(
            Q(published_at__lte=now), Q(expires_at__isnull=True) | Q(expires_at__gt=now)
        )

    def for_role(self, user, now):
        """End users see a notice only while it is valid; the others see its history too."""
        rows = self.visible_to(user)
        return rows.current(now) if user.role == Role.END_USER else rows
