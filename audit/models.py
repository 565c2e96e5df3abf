"""Audit events: who did what to whom, when, from where. Rows are written once and never
changed or removed by the application."""

import json

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from itsm.tenancy import Role, TenantQuerySet


class AppendOnlyError(Exception):
    pass


class AuditEventQuerySet(TenantQuerySet):
    # Managers see events about their own client's people (client is the subject user's client
    # at the time of the event; provider-internal events carry none). End users and agents see
    # none: the log is about access control, which is the provider administrators' and the
    # client's managers' business, not the serving agents'.
    def visible_to(self, user):
        rows = super().visible_to(user)
        if user is not None and user.is_authenticated and user.role == Role.CLIENT_MANAGER:
            # Only events about the client's own people: a client-wide sweep, a status change or
            # an agent's download of the client's report is the provider's business.
            rows = rows.filter(subject_user__client_id=user.client_id)
        return rows

    def for_agent(self, user):
        return self.none()

    def for_end_user(self, user):
        return self.none()

    def update(self, **kwargs):
        raise AppendOnlyError("audit events are append-only")

    def delete(self):
        raise AppendOnlyError("audit events are append-only")


class AuditEvent(models.Model):
    class Action(models.TextChoices):
        LOGIN = "login", _("Signed in")
        LOGIN_FAILED = "login_failed", _("Sign-in failed")
        LOCKED_OUT = "locked_out", _("Locked out after failed sign-ins")
        MFA_ADDED = "mfa_added", _("Second factor added")
        MFA_REMOVED = "mfa_removed", _("Second factor removed")
        MFA_RESET = "mfa_reset", _("Recovery codes regenerated")
        MFA_USED = "mfa_used", _("Second factor passed")
        MFA_FAILED = "mfa_failed", _("Second factor failed")
        TOKEN_CREATED = "token_created", _("API token created")
        TOKEN_REVOKED = "token_revoked", _("API token revoked")
        TOKENS_REVOKED_ALL = "tokens_revoked_all", _("All API tokens revoked")
        USER_CHANGED = "user_changed", _("Person's role, client or site changed")
        USER_SUSPENDED = "user_suspended", _("Person suspended")
        USER_REINSTATED = "user_reinstated", _("Person reinstated")
        CLIENT_STATUS = "client_status", _("Client status changed")
        TEAM_MEMBERS = "team_members", _("Team members changed")
        TEAM_CLIENTS = "team_clients", _("Team's clients changed")
        ROBOT_CHANGED = "robot_changed", _("Group robot added, changed or removed")
        REPORT_DOWNLOAD = "report_download", _("Monthly report downloaded")
        DASHBOARD_EXPORT = "dashboard_export", _("Dashboard CSV exported")
        AUDIT_EXPORT = "audit_export", _("Audit log exported")

    at = models.DateTimeField(_("time"), db_index=True)
    action = models.CharField(_("action"), max_length=30, choices=Action, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    # Kept as text too: the name stays readable after the person is deleted, and failed
    # sign-ins name someone who may not exist.
    actor_label = models.CharField(_("actor name"), max_length=150, blank=True)
    subject_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person concerned"),
    )
    client = models.ForeignKey(
        "clients.Client",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("client"),
    )
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    changes = models.JSONField(_("changes"), default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        indexes = [models.Index(fields=["client", "-at"])]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit events are append-only")

    @property
    def changes_text(self) -> str:
        return json.dumps(self.changes, ensure_ascii=False, sort_keys=True) if self.changes else ""
