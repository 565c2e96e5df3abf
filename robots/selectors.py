"""Reads for the robots page: only robots of teams the user may manage."""

from django.db.models import Count, Max, Q
from django.http import Http404

from clients.models import Team, User
from itsm.tenancy import sees_everything

from .models import RobotMessage, RobotTarget

RECENT_PROBLEMS = 20


def manageable_teams(*, user: User):
    if not (user.is_active and user.is_provider_staff):
        return Team.objects.none()
    if sees_everything(user):
        return Team.objects.all()
    return Team.objects.filter(lead=user)


def robot_target_list_for(*, user: User):
    """Each robot with its last delivery and how many messages are failing or given up."""
    return (
        RobotTarget.objects.visible_to(user)
        .select_related("team")
        .annotate(
            last_sent_at=Max("messages__sent_at"),
            failing=Count(
                "messages",
                filter=Q(messages__sent_at__isnull=True, messages__attempts__gt=0),
            ),
        )
        .order_by("team__name", "name")
    )


def robot_target_get_for(*, user: User, target_id: int) -> RobotTarget:
    """Another team's robot and a missing one answer the same 404."""
    try:
        return RobotTarget.objects.visible_to(user).select_related("team").get(pk=target_id)
    except RobotTarget.DoesNotExist:
        raise Http404 from None


def robot_problems_for(*, user: User) -> list[RobotMessage]:
    """The latest messages not delivered at the first try (retrying or given up)."""
    return list(
        RobotMessage.objects.visible_to(user)
        .filter(sent_at__isnull=True, attempts__gt=0)
        .select_related("target__team")
        .order_by("-id")[:RECENT_PROBLEMS]
    )
