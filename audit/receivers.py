"""Signal receivers that turn sign-ins, token events and admin changes into audit rows.

Listening to clients' models from here (pre_save/post_save/m2m_changed) is deliberate: the audit
log is cross-cutting, and clients is the ground floor that must not import it. Every door that
changes a person's role, client, site or activity, a client's status or a team - admin, services,
commands - is then recorded without each one remembering to call the log.
"""

import re
from datetime import timedelta

from allauth.account.signals import user_logged_in
from allauth.mfa.signals import (
    authentication_failed,
    authenticator_added,
    authenticator_removed,
    authenticator_reset,
    authenticator_used,
)
from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver
from django.utils import timezone

from clients import hooks
from clients.models import Client, Team, User
from itsm.params import clean_text
from robots.models import EVENT_FIELDS, RobotTarget

from .models import AuditEvent
from .services import audit_record

Action = AuditEvent.Action
USER_FIELDS = ("role", "client_id", "site_id", "is_active")
_LIMIT = re.compile(r"(\d+)/(\d*)([smhd])/key")
_UNIT = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def _lockout_limit() -> tuple[int, timedelta] | None:
    """allauth's per-login failed-attempt limit ('5/5m/key'): the attempt that reaches it is
    the one after which allauth refuses further tries, so that is when we record a lock-out."""
    rule = getattr(settings, "ACCOUNT_RATE_LIMITS", {}).get("login_failed") or ""
    match = _LIMIT.search(rule)
    if not match:
        return None
    amount, count, unit = match.groups()
    return int(amount), timedelta(seconds=int(count or 1) * _UNIT[unit])


@receiver(user_logged_in)
def on_login(sender, request, user, **kwargs):
    audit_record(actor=user, action=Action.LOGIN, subject_user=user, request=request)


@receiver(user_login_failed)
def on_login_failed(sender, credentials, request=None, **kwargs):
    login = clean_text(credentials.get("username") or credentials.get("email"), 150)
    subject = (
        User.objects.filter(Q(username__iexact=login) | Q(email__iexact=login)).first()
        if login
        else None
    )
    now = timezone.now()
    audit_record(
        actor=None,
        action=Action.LOGIN_FAILED,
        subject_user=subject,
        actor_label=login,
        request=request,
        changes={"login": login},
        now=now,
    )
    limit = _lockout_limit()
    if limit is None or not login:
        return
    amount, period = limit
    recent = AuditEvent.objects.filter(
        action=Action.LOGIN_FAILED, actor_label__iexact=login, at__gt=now - period
    ).count()
    if recent == amount:
        audit_record(
            actor=None,
            action=Action.LOCKED_OUT,
            subject_user=subject,
            actor_label=login,
            request=request,
            changes={
                "login": login,
                "failures": recent,
                "window_seconds": int(period.total_seconds()),
            },
            now=now,
        )


def _mfa(action):
    def handler(sender, request, user, authenticator=None, **kwargs):
        kind = getattr(authenticator, "type", "")
        audit_record(
            actor=user, action=action, subject_user=user, request=request, changes={"type": kind}
        )

    return handler


on_mfa_added = _mfa(Action.MFA_ADDED)
on_mfa_removed = _mfa(Action.MFA_REMOVED)
on_mfa_reset = _mfa(Action.MFA_RESET)
authenticator_added.connect(on_mfa_added, dispatch_uid="audit_mfa_added")
authenticator_removed.connect(on_mfa_removed, dispatch_uid="audit_mfa_removed")
authenticator_reset.connect(on_mfa_reset, dispatch_uid="audit_mfa_reset")
authenticator_used.connect(_mfa(Action.MFA_USED), dispatch_uid="audit_mfa_used", weak=False)
authentication_failed.connect(_mfa(Action.MFA_FAILED), dispatch_uid="audit_mfa_failed", weak=False)


@receiver(hooks.api_token_created)
def on_token_created(sender, actor, token, **kwargs):
    audit_record(
        actor=actor,
        action=Action.TOKEN_CREATED,
        subject_user=token.user,
        changes={"token": token.name, "key_start": token.key_start},
    )


@receiver(hooks.api_token_revoked)
def on_token_revoked(sender, actor, token, because, **kwargs):
    audit_record(
        actor=actor,
        action=Action.TOKEN_REVOKED,
        subject_user=token.user,
        changes={"token": token.name, "key_start": token.key_start, "because": because},
    )


@receiver(hooks.api_tokens_revoked_all)
def on_tokens_revoked_all(sender, because, user=None, client=None, count=0, **kwargs):
    if not count:  # a password set on a person without tokens, a sweep that found none
        return
    audit_record(
        actor=None,
        action=Action.TOKENS_REVOKED_ALL,
        subject_user=user,
        client=client,
        changes={"because": because, "count": count},
    )


def _tracked(update_fields, names) -> bool:
    fields = {name.removesuffix("_id") for name in names}
    return update_fields is None or bool(set(update_fields) & fields)


@receiver(pre_save, sender=User)
def remember_user(sender, instance, raw=False, update_fields=None, **kwargs):
    # Sign-ins save last_login only: no extra query for them.
    if raw or instance._state.adding or not _tracked(update_fields, USER_FIELDS):
        return
    instance._audit_before = (
        User.objects.filter(pk=instance.pk).values(*USER_FIELDS).first() or None
    )


def _value(value):
    return str(value) if value is not None and not isinstance(value, bool | int) else value


@receiver(post_save, sender=User)
def record_user(sender, instance, created, raw=False, **kwargs):
    before = instance.__dict__.pop("_audit_before", None)
    if raw or created or before is None:
        return
    changed = {
        name: {"old": _value(before[name]), "new": _value(getattr(instance, name))}
        for name in USER_FIELDS
        if before[name] != getattr(instance, name)
    }
    if not changed:
        return
    active = changed.pop("is_active", None)
    if active is not None:
        action = Action.USER_REINSTATED if active["new"] else Action.USER_SUSPENDED
        audit_record(
            actor=None, action=action, subject_user=instance, changes={"is_active": active}
        )
    if changed:
        # The old client's managers see the move too when a person changes client.
        audit_record(actor=None, action=Action.USER_CHANGED, subject_user=instance, changes=changed)


@receiver(pre_save, sender=Client)
def remember_client(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or instance._state.adding or not _tracked(update_fields, ("status",)):
        return
    instance._audit_status = (
        Client.objects.filter(pk=instance.pk).values_list("status", flat=True).first()
    )


@receiver(post_save, sender=Client)
def record_client(sender, instance, created, raw=False, **kwargs):
    old = instance.__dict__.pop("_audit_status", None)
    if raw or created or old is None or old == instance.status:
        return
    audit_record(
        actor=None,
        action=Action.CLIENT_STATUS,
        client=instance,
        changes={"client": instance.code, "status": {"old": old, "new": instance.status}},
    )


def _team_change(audit_action, label):
    def handler(sender, instance, action: str, reverse, pk_set, **kwargs):
        if action not in ("post_add", "post_remove", "post_clear") or reverse:
            return
        verb = {"post_add": "added", "post_remove": "removed", "post_clear": "cleared"}[action]
        audit_record(
            actor=None,
            action=audit_action,
            changes={"team": instance.name, label: {verb: sorted(pk_set or [])}},
        )

    return handler


on_team_members = _team_change(Action.TEAM_MEMBERS, "members")
on_team_clients = _team_change(Action.TEAM_CLIENTS, "clients")
m2m_changed.connect(on_team_members, sender=Team.members.through, dispatch_uid="audit_team_m")
m2m_changed.connect(on_team_clients, sender=Team.clients.through, dispatch_uid="audit_team_c")


# Group robots decide where alerts about clients' tickets go: every door (page, admin, service)
# that adds, changes or removes one is recorded. The URL and secret are credentials: only the
# fact that they changed is kept, never their values.
ROBOT_FIELDS = ("name", "vendor", "language", "is_active", *EVENT_FIELDS.values())
ROBOT_SECRETS = ("url", "secret")


def _robot_state(robot: RobotTarget) -> dict:
    return {name: getattr(robot, name) for name in (*ROBOT_FIELDS, *ROBOT_SECRETS)}


def _robot_label(robot: RobotTarget) -> dict:
    return {"robot": robot.name, "team": robot.team.name, "vendor": robot.vendor}


@receiver(pre_save, sender=RobotTarget)
def remember_robot(sender, instance, raw=False, **kwargs):
    if raw or not instance.pk:
        return
    before = RobotTarget.objects.filter(pk=instance.pk).first()
    instance._audit_before = _robot_state(before) if before else None


@receiver(post_save, sender=RobotTarget)
def record_robot(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    before = instance.__dict__.pop("_audit_before", None)
    now = _robot_state(instance)
    if created or before is None:
        changes = {**_robot_label(instance), "change": "added"}
        changes.update({name: now[name] for name in ROBOT_FIELDS})
    else:
        changed = {
            name: [before[name], now[name]] for name in ROBOT_FIELDS if before[name] != now[name]
        }
        changed.update({name: "changed" for name in ROBOT_SECRETS if before[name] != now[name]})
        if not changed:
            return
        changes = {**_robot_label(instance), "change": "changed", **changed}
    audit_record(actor=None, action=Action.ROBOT_CHANGED, changes=changes)


@receiver(post_delete, sender=RobotTarget)
def record_robot_removed(sender, instance, **kwargs):
    audit_record(
        actor=None,
        action=Action.ROBOT_CHANGED,
        changes={**_robot_label(instance), "change": "removed"},
    )
