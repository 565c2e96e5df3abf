"""Tenant-scoped querysets of the satisfaction app."""

from itsm.tenancy import TenantQuerySet, is_provider_staff


class CsatRequestQuerySet(TenantQuerySet):
    def for_end_user(self, user):
        return self.filter(requester_id=user.pk)


class FollowUpQuerySet(TenantQuerySet):
    """Service recovery is the provider's own work: client-side people see none of it."""

    def visible_to(self, user):
        rows = super().visible_to(user)
        if user is None or not user.is_authenticated or not is_provider_staff(user):
            return rows.none()
        return rows

    def open(self):
        return self.filter(status="open")


class SurveyRoundQuerySet(TenantQuerySet):
    def for_end_user(self, user):
        return self.filter(invitations__person_id=user.pk)


class SurveyInvitationQuerySet(TenantQuerySet):
    def for_end_user(self, user):
        return self.filter(person_id=user.pk)


class SurveyAnswerQuerySet(TenantQuerySet):
    def for_end_user(self, user):
        return self.filter(invitation__person_id=user.pk)
