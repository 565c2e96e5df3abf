"""Writes: a team's robots (add, change, switch on/off) and the test message.

Provider admins manage every team's robots, a team lead those of the teams they lead.
"""

import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from clients.models import Team, User
from itsm.exceptions import ApplicationError
from itsm.tenancy import sees_everything

from .delivery import messages_dispatch, messages_enqueue
from .models import SETTINGS, Event, RobotMessage, RobotTarget, Vendor
from .vendors import validate_url


def can_manage(actor: User, team: Team) -> bool:
    if not (actor.is_active and actor.is_provider_staff):
        return False
    return sees_everything(actor) or team.lead_id == actor.pk


def ensure_can_manage(actor: User, team: Team) -> None:
    if not can_manage(actor, team):
        raise PermissionDenied(_("Only a provider administrator or the team's lead can do that."))


def _save(target: RobotTarget) -> RobotTarget:
    try:
        target.full_clean(exclude=["team"])
    except ValidationError as exc:
        raise ApplicationError(" ".join(exc.messages)) from exc
    try:
        with transaction.atomic():
            target.save()
    except IntegrityError:
        raise ApplicationError(_("This team already has a robot of that name.")) from None
    return target


def _apply(target: RobotTarget, settings: dict) -> None:
    for name, value in settings.items():
        if name not in SETTINGS:
            raise TypeError(f"unknown robot setting {name}")
        setattr(target, name, value)


def _checked_url(vendor: str, url: str) -> str:
    if vendor not in Vendor.values:
        raise ApplicationError(_("Choose the kind of robot."))
    try:
        return validate_url(vendor, url)
    except ValidationError as exc:
        raise ApplicationError(" ".join(exc.messages)) from exc


@transaction.atomic
def robot_target_create(
    *, actor: User, team: Team, vendor: str, url: str, secret: str = "", **settings
) -> RobotTarget:
    ensure_can_manage(actor, team)
    target = RobotTarget(
        team=team, vendor=vendor, url=_checked_url(vendor, url), secret=secret.strip()
    )
    _apply(target, settings)
    return _save(target)


@transaction.atomic
def robot_target_update(
    *,
    actor: User,
    target: RobotTarget,
    url: str = "",
    secret: str = "",
    clear_secret: bool = False,
    **settings,
) -> RobotTarget:
    """Change a robot; an empty `url` or `secret` keeps the stored one (never shown again)."""
    ensure_can_manage(actor, target.team)
    target = RobotTarget.objects.select_for_update().get(pk=target.pk)
    if url.strip():
        target.url = _checked_url(target.vendor, url)
    if clear_secret:
        target.secret = ""
    elif secret.strip():
        target.secret = secret.strip()
    _apply(target, settings)
    return _save(target)


@transaction.atomic
def robot_target_set_active(*, actor: User, target: RobotTarget, active: bool) -> RobotTarget:
    ensure_can_manage(actor, target.team)
    target = RobotTarget.objects.select_for_update().get(pk=target.pk)
    target.is_active = active
    target.save()  # a save, not an update: the audit log hears it
    return target


@transaction.atomic
def robot_target_test(*, actor: User, target: RobotTarget) -> RobotMessage:
    """Queue a test message; its outcome shows on the robots page like any delivery."""
    ensure_can_manage(actor, target.team)
    if not target.is_active:
        raise ApplicationError(_("Switch the robot on before testing it."))
    message = RobotMessage(
        target=target,
        event=Event.TEST,
        key=f"test:{secrets.token_hex(8)}",
        context={"team": target.team.name},
    )
    messages_enqueue([message])
    return message


@transaction.atomic
def robot_messages_retry(*, messages, now) -> int:
    """Give undelivered messages (given up or waiting) a fresh set of attempts, due now."""
    ids = list(messages.filter(sent_at__isnull=True).values_list("pk", flat=True))
    RobotMessage.objects.filter(pk__in=ids).update(failed_at=None, next_attempt_at=now, attempts=0)
    if ids:
        transaction.on_commit(lambda: messages_dispatch(ids))
    return len(ids)
