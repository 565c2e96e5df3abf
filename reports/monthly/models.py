"""Monthly service reports: one row per client, period and version, and their audit trail.

Files live under MEDIA_ROOT with unguessable names and are served only by the permission-checked
download view (there is no public media URL).
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from clients.models import LANGUAGE_CHOICES, Client

from .querysets import MonthlyReportQuerySet, ReportActionQuerySet


def report_file_path(report: "MonthlyReport", filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1]
    period = report.period_start.strftime("%Y-%m")
    token = secrets.token_urlsafe(12)
    return f"monthly-reports/{report.client_id}/{period}-v{report.version}-{token}.{extension}"


class MonthlyReport(models.Model):
    class Status(models.TextChoices):
        GENERATING = "generating", _("Generating")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    class SignOff(models.TextChoices):
        PENDING = "pending", _("Awaiting sign-off")
        SIGNED = "signed", _("Signed off")
        DISPUTED = "disputed", _("Disputed")

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")
    period_start = models.DateField(_("first day"))
    period_end = models.DateField(_("last day"))
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    previous = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="correction",
        verbose_name=_("corrects version"),
    )
    # False once a corrected version replaces it; the old version stays downloadable.
    is_current = models.BooleanField(_("current version"), default=True)
    language = models.CharField(_("language"), max_length=10, choices=LANGUAGE_CHOICES)
    status = models.CharField(_("status"), max_length=12, choices=Status, default=Status.GENERATING)
    sign_off = models.CharField(
        _("sign-off"), max_length=10, choices=SignOff, default=SignOff.PENDING
    )
    progress_done = models.PositiveSmallIntegerField(default=0)
    progress_total = models.PositiveSmallIntegerField(default=1)
    pdf = models.FileField(upload_to=report_file_path, blank=True)
    xlsx = models.FileField(upload_to=report_file_path, blank=True)
    next_steps = models.TextField(_("next steps"), blank=True)
    correction_note = models.TextField(_("what this version corrects"), blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    # Headline figures kept beside the files so lists show them without opening a file.
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    notify_when_ready = models.BooleanField(default=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("requested"))
    generated_at = models.DateTimeField(_("generated"), null=True, blank=True)
    signed_at = models.DateTimeField(_("signed off"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = MonthlyReportQuerySet.as_manager()

    class Meta:
        ordering = ["-period_start", "-version"]
        verbose_name = _("monthly service report")
        verbose_name_plural = _("monthly service reports")
        constraints = [
            models.UniqueConstraint(
                fields=["client", "period_start", "period_end", "version"],
                name="monthly_report_unique_version",
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="monthly_report_period_order",
            ),
        ]
        indexes = [
            models.Index(
                fields=["client", "-period_start", "-version"], name="monthly_report_client"
            )
        ]

    def __str__(self) -> str:
        period = f"{self.period_start:%Y-%m-%d}..{self.period_end:%Y-%m-%d}"
        return f"{self.client_id} {period} v{self.version}"

    @property
    def progress_percent(self) -> int:
        if self.status == self.Status.READY:
            return 100
        return int(100 * self.progress_done / max(self.progress_total, 1))

    def file_name(self, kind: str) -> str:
        period = f"{self.period_start:%Y%m%d}-{self.period_end:%Y%m%d}"
        return f"{self.client.code}-report-{period}-v{self.version}.{kind}"


class ReportAction(models.Model):
    """Who did what to a report, when, with which comment (never edited)."""

    class Kind(models.TextChoices):
        REQUESTED = "requested", _("Requested")
        GENERATED = "generated", _("Generated")
        FAILED = "failed", _("Generation failed")
        EMAILED = "emailed", _("Sent to the client")
        SIGNED = "signed", _("Signed off")
        DISPUTED = "disputed", _("Disputed")
        ANSWERED = "answered", _("Answered")
        CORRECTED = "corrected", _("Corrected version issued")

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")
    report = models.ForeignKey(MonthlyReport, on_delete=models.CASCADE, related_name="actions")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("action"), max_length=12, choices=Kind)
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("when"))

    objects = ReportActionQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("report action")
        verbose_name_plural = _("report actions")
        indexes = [models.Index(fields=["report", "created_at"], name="report_action_report")]

    def __str__(self) -> str:
        return f"{self.report_id} {self.kind} {self.created_at:%Y-%m-%d %H:%M}"
