"""Operational state of the installation itself (not tenant-owned)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Heartbeat(models.Model):
    """Last time a periodic task ran; /healthz reads it to tell whether beat and a worker live."""

    name = models.CharField(_("name"), max_length=50, unique=True)
    beat_at = models.DateTimeField(_("last beat"))

    class Meta:
        verbose_name = _("heartbeat")
        verbose_name_plural = _("heartbeats")

    def __str__(self) -> str:
        return f"{self.name} @ {self.beat_at:%Y-%m-%d %H:%M:%S}"


class OutboundEmail(models.Model):
    """An email waiting to be sent: stored first so a broker outage loses nothing.

    A sender claims the row (attempted_at, next_attempt_at) in its own committed statement before
    talking to SMTP, so a second sender skips it and a killed worker's row waits before a retry.
    """

    to = models.EmailField(_("to"))
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("body"), blank=True)
    # A row stored without subject/body is rendered by its sender: `template` names a renderer
    # registered in itsm.outbox, `context` holds the ids it reads, `language` the recipient's.
    template = models.CharField(_("template"), max_length=100, blank=True)
    context = models.JSONField(_("context"), default=dict, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True)
    # Sent as the Message-ID header on every attempt: a duplicate after a crash is recognisable.
    message_id = models.CharField(_("Message-ID"), max_length=255, blank=True, editable=False)
    # Extra headers sent with it (ticket threading: In-Reply-To, References, Reply-To).
    headers = models.JSONField(_("headers"), default=dict, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    attempted_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("outbound email")
        verbose_name_plural = _("outbound emails")
        indexes = [
            models.Index(
                fields=["created_at"],
                name="outbox_unsent",
                condition=models.Q(sent_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.to}: {self.subject}"
