"""Tenant-scoped querysets of the satisfaction app."""

from itsm.tenancy import Role, TenantQuerySet, is_provider_staff


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

    def outcomes_visible_to(self, user):
        """Follow-ups whose outcome (status and date, never the staff's note) `user` may be
        told about: staff as in visible_to, a client manager their own client's ones."""
        if user is not None and user.is_authenticated and user.role == Role.CLIENT_MANAGER:
            return super().visible_to(user)
        return self.visible_to(user)

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
