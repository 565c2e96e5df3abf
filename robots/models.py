"""A team's chat group robots and the outbox of messages to them."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from clients.models import LANGUAGE_CHOICES, Team

from .querysets import RobotMessageQuerySet, RobotTargetQuerySet


class Vendor(models.TextChoices):
    WECOM = "wecom", _("WeCom group robot")
    DINGTALK = "dingtalk", _("DingTalk custom robot")
    FEISHU = "feishu", _("Feishu custom bot")


class Event(models.TextChoices):
    URGENT_TICKET = "urgent_ticket", _("New P1/P2 ticket")
    SLA_WARNING = "sla_warning", _("SLA breach warning")
    SLA_BREACH = "sla_breach", _("SLA breached")
    COMPLAINT = "complaint", _("Complaint (new or escalated)")
    LOW_RATING = "low_rating", _("Low satisfaction rating")
    TEST = "test", _("Test message")


# Event -> the target's switch for it (the test message goes to any target, on or off).
EVENT_FIELDS = {
    Event.URGENT_TICKET: "on_urgent_ticket",
    Event.SLA_WARNING: "on_sla_warning",
    Event.SLA_BREACH: "on_sla_breach",
    Event.COMPLAINT: "on_complaint",
    Event.LOW_RATING: "on_low_rating",
}
# What a robot's owner chooses (besides its kind, URL and secret).
SETTINGS = ("name", "language", "is_active", *EVENT_FIELDS.values())


class RobotTarget(models.Model):
    """One group robot a team posts to. `url` and `secret` are credentials: shown masked."""

    team = models.ForeignKey(
        Team, on_delete=models.CASCADE, related_name="robot_targets", verbose_name=_("team")
    )
    name = models.CharField(_("name"), max_length=100)
    vendor = models.CharField(_("kind"), max_length=10, choices=Vendor)
    url = models.CharField(_("webhook URL"), max_length=500)
    secret = models.CharField(
        _("signing secret"),
        max_length=200,
        blank=True,
        help_text=_("DingTalk and Feishu only, when the robot's signature check is on."),
    )
    language = models.CharField(
        _("language"), max_length=10, choices=LANGUAGE_CHOICES, default="zh-hans"
    )
    on_urgent_ticket = models.BooleanField(_("new P1/P2 tickets"), default=True)
    on_sla_warning = models.BooleanField(_("SLA breach warnings"), default=True)
    on_sla_breach = models.BooleanField(_("SLA breaches"), default=True)
    on_complaint = models.BooleanField(_("complaints (new or escalated)"), default=True)
    on_low_rating = models.BooleanField(_("low satisfaction ratings"), default=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = RobotTargetQuerySet.as_manager()

    class Meta:
        ordering = ["team", "name"]
        verbose_name = _("group robot")
        verbose_name_plural = _("group robots")
        constraints = [
            models.UniqueConstraint(fields=["team", "name"], name="robot_target_name_per_team"),
        ]

    def __str__(self) -> str:
        return f"{self.team} · {self.name}"

    @property
    def url_hint(self) -> str:
        """Enough to recognise the robot, not enough to post to it."""
        from .vendors import mask_url

        return mask_url(self.url)

    def wants(self, event: str) -> bool:
        return event == Event.TEST or bool(getattr(self, EVENT_FIELDS[event]))


class RobotMessage(models.Model):
    """One message for one robot: written in the caller's transaction, sent by Celery after
    commit or by the periodic drain; rendered when first sent from `event` and `context` (ids),
    so the SLA sweep only inserts rows. `key` names the event so a robot hears it once."""

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENT = "sent", pgettext_lazy("robot message state", "Sent")
        FAILED = "failed", _("Gave up")

    target = models.ForeignKey(
        RobotTarget, on_delete=models.CASCADE, related_name="messages", verbose_name=_("robot")
    )
    event = models.CharField(_("event"), max_length=20, choices=Event)
    key = models.CharField(_("key"), max_length=80, editable=False)
    context = models.JSONField(_("context"), default=dict, blank=True)
    title = models.CharField(_("title"), max_length=200, blank=True)
    text = models.TextField(_("text"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    attempted_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    failed_at = models.DateTimeField(_("gave up"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)

    objects = RobotMessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("robot message")
        verbose_name_plural = _("robot messages")
        constraints = [
            models.UniqueConstraint(fields=["target", "key"], name="robot_message_once"),
        ]
        indexes = [
            # The drain reads due, unsent rows only.
            models.Index(
                fields=["next_attempt_at"],
                name="robot_message_unsent",
                condition=Q(sent_at__isnull=True, failed_at__isnull=True),
            ),
            models.Index(fields=["target", "-id"], name="robot_message_of_target"),
        ]

    def __str__(self) -> str:
        return f"{self.get_event_display()} → {self.target_id}"

    @property
    def state(self) -> str:
        if self.sent_at:
            return self.State.SENT
        if self.failed_at:
            return self.State.FAILED
        return self.State.PENDING

    def get_state_display(self) -> str:
        return self.State(self.state).label

    @property
    def error_text(self) -> str:
        """The stored error in the reader's language where it is one we name ourselves."""
        known = {
            "timed out": _("timed out"),
            "connection refused": _("connection refused"),
            "robot disabled": _("robot disabled"),
        }
        return str(known.get(self.last_error, self.last_error))
