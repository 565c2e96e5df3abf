"""Email received by the service mailbox, kept raw, and the domains that tell a client."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from .querysets import ClientEmailDomainQuerySet, InboundEmailQuerySet


class ClientEmailDomain(models.Model):
    """A mail domain of a client: an unknown sender from it is invited rather than a stranger."""

    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, related_name="email_domains"
    )
    domain = models.CharField(_("domain"), max_length=253, help_text=_("e.g. huaxin.com.cn"))

    objects = ClientEmailDomainQuerySet.as_manager()

    class Meta:
        verbose_name = _("client email domain")
        verbose_name_plural = _("client email domains")
        constraints = [
            # One client per domain, or a sender could be claimed by two tenants.
            models.UniqueConstraint(Lower("domain"), name="intake_domain_unique_ci")
        ]

    def __str__(self) -> str:
        return f"{self.domain} → {self.client}"

    def save(self, *args, **kwargs):
        self.clean()
        super().save(*args, **kwargs)

    def clean(self):
        # Before the unique check of forms (admin): "@Example.com" is the stored "example.com".
        self.domain = self.domain.strip().lower().lstrip("@")


class InboundEmail(models.Model):
    """One received message: its raw bytes for staff, what was read from it, what became of it."""

    class Status(models.TextChoices):
        TICKET = "ticket", _("New ticket")
        REPLY = "reply", _("Reply on a ticket")
        TRIAGE = "triage", _("Waiting for triage")
        DISCARDED = "discarded", _("Discarded")
        REFUSED = "refused", _("Refused (client suspended)")
        IGNORED = "ignored", _("Ignored (automatic or flood)")

    client = models.ForeignKey(
        "clients.Client",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inbound_emails",
    )
    ticket = models.ForeignKey(
        "tickets.Ticket",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inbound_emails",
    )
    status = models.CharField(_("status"), max_length=10, choices=Status)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=255, blank=True)
    from_address = models.CharField(_("from"), max_length=254, blank=True)
    from_name = models.CharField(_("sender name"), max_length=200, blank=True)
    subject = models.CharField(_("subject"), max_length=300, blank=True)
    text = models.TextField(_("text"), blank=True)
    raw = models.BinaryField(_("raw message"))
    size = models.PositiveIntegerField(_("size in bytes"))
    received_at = models.DateTimeField(_("received"))
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handled by"),
    )
    handled_at = models.DateTimeField(_("handled"), null=True, blank=True)

    objects = InboundEmailQuerySet.as_manager()

    class Meta:
        verbose_name = _("inbound email")
        verbose_name_plural = _("inbound emails")
        ordering = ["-received_at", "-pk"]
        indexes = [
            # The per-sender rate limit and duplicate check.
            models.Index(fields=["from_address", "received_at"], name="inbound_sender_time"),
            models.Index(fields=["message_id"], name="inbound_message_id"),
            models.Index(
                fields=["-received_at"],
                name="inbound_triage",
                condition=models.Q(status="triage"),
            ),
        ]
        constraints = [
            # Two overlapping fetches (or a pipe and a fetch) of one message must not both
            # file it: the later INSERT waits for the earlier and then fails, see intake_message.
            models.UniqueConstraint(
                fields=["from_address", "message_id"],
                condition=~models.Q(message_id=""),
                name="inbound_once_per_message",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_address}: {self.subject}"

    @property
    def headers_text(self) -> str:
        """The header block as received, for staff reading a doubtful message."""
        data = bytes(self.raw)
        end = data.find(b"\r\n\r\n")
        if end < 0:
            end = data.find(b"\n\n")
        head = data if end < 0 else data[:end]
        return head[:20000].decode("utf-8", errors="replace")
