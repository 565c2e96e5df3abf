"""Notices: the provider's channel to a client's end users (announcements, maintenance windows)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clients.models import Client, Site

from .querysets import NoticeQuerySet


class Notice(models.Model):
    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="notices")
    site = models.ForeignKey(
        Site,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        help_text=_("Leave empty to address every site of the client."),
    )
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), help_text=_("Markdown is supported."))
    published_at = models.DateTimeField(_("published"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = NoticeQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at"]
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        indexes = [models.Index(fields=["client", "published_at"], name="notice_client_published")]

    def __str__(self) -> str:
        return self.title
