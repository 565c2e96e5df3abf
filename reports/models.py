"""Notices: the provider's channel to client end users (announcements, maintenance, outages).

A notice belongs to the provider; what a client sees of it lives in tenant-owned rows:
one NoticeTarget per addressed client (its chosen sites and service tiers) and one
NoticeReceipt per addressed person (seen / acknowledged). A notice that spans several clients
therefore never exposes one client's sites, people or read rates to another.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clients.models import Client, Site
from sla.models import ServiceTier

from .querysets import NoticeQuerySet, NoticeReceiptQuerySet, NoticeTargetQuerySet


class Severity(models.TextChoices):
    INFO = "info", _("Information")
    MAINTENANCE = "maintenance", _("Maintenance")
    OUTAGE = "outage", _("Outage")


class Notice(models.Model):
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), help_text=_("Markdown is supported."))
    severity = models.CharField(
        _("severity"), max_length=20, choices=Severity, default=Severity.INFO
    )
    requires_ack = models.BooleanField(
        _("requires acknowledgement"),
        default=False,
        help_text=_("Readers must confirm with “Got it”. Outages always require it."),
    )
    published_at = models.DateTimeField(_("valid from"), default=timezone.now)
    expires_at = models.DateTimeField(_("valid until"), null=True, blank=True)
    email_targets = models.BooleanField(_("email the targeted users"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )
    withdrawn_at = models.DateTimeField(_("withdrawn"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("withdrawn by"),
    )

    objects = NoticeQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        indexes = [models.Index(fields=["-published_at", "-id"], name="notice_published")]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__isnull=True) | Q(expires_at__gt=models.F("published_at")),
                name="notice_valid_period",
                violation_error_message=_("A notice must end after it starts."),
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def needs_ack(self) -> bool:
        return self.requires_ack or self.severity == Severity.OUTAGE


class NoticeTarget(models.Model):
    """One addressed client; no sites chosen means every site, no tiers chosen every tier."""

    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="+", verbose_name=_("client")
    )
    notice = models.ForeignKey(
        Notice, on_delete=models.CASCADE, related_name="targets", verbose_name=_("notice")
    )
    sites = models.ManyToManyField(Site, blank=True, related_name="+", verbose_name=_("sites"))
    tiers = models.ManyToManyField(
        ServiceTier, blank=True, related_name="+", verbose_name=_("service tiers")
    )

    objects = NoticeTargetQuerySet.as_manager()

    class Meta:
        verbose_name = _("notice target")
        verbose_name_plural = _("notice targets")
        constraints = [
            models.UniqueConstraint(
                fields=["client", "notice"],
                name="notice_target_once",
                violation_error_message=_("This notice already reaches this client."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.notice} → {self.client}"


class NoticeReceipt(models.Model):
    """A targeted person: created when the notice is published (the read rate's denominator),
    stamped when they first see it and when they acknowledge it."""

    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="+", verbose_name=_("client")
    )
    notice = models.ForeignKey(
        Notice, on_delete=models.CASCADE, related_name="receipts", verbose_name=_("notice")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("user")
    )
    seen_at = models.DateTimeField(_("seen"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("emailed"), null=True, blank=True)

    objects = NoticeReceiptQuerySet.as_manager()

    class Meta:
        verbose_name = _("notice receipt")
        verbose_name_plural = _("notice receipts")
        constraints = [
            models.UniqueConstraint(
                fields=["notice", "user"],
                name="notice_receipt_once",
                violation_error_message=_("This person already has a receipt for this notice."),
            )
        ]
        indexes = [models.Index(fields=["client", "notice"], name="notice_receipt_client")]

    def __str__(self) -> str:
        return f"{self.notice_id}/{self.user_id}"
