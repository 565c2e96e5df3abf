from django.db import models

from itsm.tenancy import Role, sees_everything


class RobotTargetQuerySet(models.QuerySet):
    def visible_to(self, user) -> "RobotTargetQuerySet":
        """Who may manage a team's robots: provider admins every team's, a lead their teams'.

        A robot's URL posts into a team's chat group, so even the team's other agents do not see
        or change it; client-side people never do.
        """
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if sees_everything(user):
            return self
        if user.role == Role.AGENT:
            return self.filter(team__lead=user)
        return self.none()


class RobotMessageQuerySet(models.QuerySet):
    def visible_to(self, user) -> "RobotMessageQuerySet":
        from .models import RobotTarget

        return self.filter(target__in=RobotTarget.objects.visible_to(user))
