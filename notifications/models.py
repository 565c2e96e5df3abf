"""Notifications to provider staff, their email preferences and each team's new-ticket setting."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from clients.models import Client, Team, User
from tickets.models import Ticket

from .querysets import NotificationQuerySet


class Kind(models.TextChoices):
    NEW_TICKET = "new_ticket", pgettext_lazy("notification", "New ticket")
    REPLY = "reply", _("Reply from the requester")
    REOPENED = "reopened", _("Ticket reopened")
    ASSIGNED = "assigned", _("Assigned to you")
    SLA_WARNING = "sla_warning", _("About to breach its SLA")


class Notification(models.Model):
    """One thing one person should hear about. The text is composed when shown, in the viewer's
    language, from the kind and the ticket; `key` names the event so it is stored once."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")
    recipient = models.ForeignKey(  # indexed by notification_inbox, which starts with it
        User,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("recipient"),
        db_index=False,
    )
    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="+", verbose_name=_("ticket")
    )
    actor = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    key = models.CharField(max_length=80, editable=False)
    created_at = models.DateTimeField(_("created"))
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        # Read by recipient only (newest first, and the unread count of the bell).
        indexes = [
            models.Index(fields=["recipient", "-id"], name="notification_inbox"),
            models.Index(
                fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread"
            ),
        ]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "key"], name="notification_once"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.ticket_id} → {self.recipient_id}"


class NotificationPreference(models.Model):
    """Which kinds a person also receives by email (in-app they always arrive).

    No row means the defaults: urgent new tickets and SLA warnings by email, the rest in-app.
    """

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, primary_key=True, related_name="notification_preference"
    )
    email_new_urgent = models.BooleanField(_("new P1/P2 tickets"), default=True)
    email_new_other = models.BooleanField(_("new P3/P4 tickets"), default=False)
    email_reply = models.BooleanField(_("replies from requesters"), default=False)
    email_reopened = models.BooleanField(_("reopened tickets"), default=False)
    email_assigned = models.BooleanField(_("tickets assigned to me"), default=False)
    email_sla_warning = models.BooleanField(_("tickets about to breach"), default=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return str(self.user)

    def wants_email(self, kind: str, priority: int) -> bool:
        if kind == Kind.NEW_TICKET:
            return self.email_new_urgent if priority <= 2 else self.email_new_other
        return bool(getattr(self, f"email_{kind}"))


class TeamNotificationSetting(models.Model):
    """When a team hears of new P3/P4 tickets; P1/P2 are always announced at once."""

    class LowPriority(models.TextChoices):
        IMMEDIATELY = "immediately", _("Immediately")
        NEVER = "never", _("Not at all")

    team = models.OneToOneField(
        Team,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="notification_setting",
        verbose_name=_("team"),
    )
    new_low_priority = models.CharField(
        _("new P3/P4 tickets"),
        max_length=12,
        choices=LowPriority,
        default=LowPriority.IMMEDIATELY,
    )

    class Meta:
        verbose_name = _("team notification setting")
        verbose_name_plural = _("team notification settings")

    def __str__(self) -> str:
        return str(self.team)
