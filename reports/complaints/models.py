"""Complaints: a process of their own with deadlines, levelled escalation and a timeline."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from clients.models import Client, Site
from itsm.tenancy import Role
from sla.models import BusinessCalendar
from tickets.models import Ticket

from .querysets import (
    OPEN_STATUSES,
    ComplaintChildQuerySet,
    ComplaintQuerySet,
    ComplaintSettingsQuerySet,
)

STAFF_ONLY = {"role__in": [Role.AGENT, Role.ADMIN]}


class Source(models.TextChoices):
    DIRECT = "direct", _("Heard directly")
    VIA_CLIENT = "via_client", _("Via the client")


class Severity(models.TextChoices):
    NORMAL = "normal", _("Normal")
    SERIOUS = "serious", _("Serious")
    CRITICAL = "critical", _("Critical")


class Category(models.TextChoices):
    SLOW_RESPONSE = "slow_response", _("Slow response")
    NOT_RESOLVED = "not_resolved", _("Not resolved")
    REPEATED_FAULT = "repeated_fault", _("Repeated fault")
    ATTITUDE = "attitude", _("Attitude")
    COMMUNICATION = "communication", _("Communication")
    OTHER = "other", _("Other")


class Status(models.TextChoices):
    OPEN = "open", pgettext_lazy("complaint", "Open")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    INVESTIGATING = "investigating", _("Investigating")
    RESOLVED = "resolved", pgettext_lazy("complaint", "Resolved")
    CLOSED = "closed", pgettext_lazy("complaint", "Closed")
    REOPENED = "reopened", pgettext_lazy("complaint", "Reopened")


# Business minutes per severity when a client has no settings of its own (cn-std: 8 h a day).
DEFAULT_TARGETS = {
    Severity.NORMAL: (120, 3 * 480),
    Severity.SERIOUS: (60, 2 * 480),
    Severity.CRITICAL: (30, 480),
}
DEFAULT_LEVEL_STEP = 240
LEVELS = (1, 2, 3)


class ComplaintSettings(models.Model):
    """Per-client deadlines, the account director (level 2) and notification hours."""

    client = models.OneToOneField(
        Client,
        on_delete=models.CASCADE,
        related_name="complaint_settings",
        verbose_name=_("client"),
    )
    calendar = models.ForeignKey(
        BusinessCalendar,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        verbose_name=_("calendar"),
        help_text=_("Leave empty to use the calendar of the client's service tier."),
    )
    normal_ack_minutes = models.PositiveIntegerField(
        _("normal: acknowledge within (business minutes)"), default=120
    )
    normal_resolve_minutes = models.PositiveIntegerField(
        _("normal: resolve within (business minutes)"), default=1440
    )
    serious_ack_minutes = models.PositiveIntegerField(
        _("serious: acknowledge within (business minutes)"), default=60
    )
    serious_resolve_minutes = models.PositiveIntegerField(
        _("serious: resolve within (business minutes)"), default=960
    )
    critical_ack_minutes = models.PositiveIntegerField(
        _("critical: acknowledge within (business minutes)"), default=30
    )
    critical_resolve_minutes = models.PositiveIntegerField(
        _("critical: resolve within (business minutes)"), default=480
    )
    level_step_minutes = models.PositiveIntegerField(
        _("next escalation level after (business minutes)"),
        default=DEFAULT_LEVEL_STEP,
        validators=[MinValueValidator(1), MaxValueValidator(100_000)],
        help_text=_("While a deadline stays missed, each further level fires this much later."),
    )
    account_director = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("account director"),
        limit_choices_to=STAFF_ONLY,
        help_text=_("Escalation level 2."),
    )
    hold_to_working_hours = models.BooleanField(
        _("hold escalation emails to working hours"), default=True
    )

    objects = ComplaintSettingsQuerySet.as_manager()

    class Meta:
        verbose_name = _("complaint settings")
        verbose_name_plural = _("complaint settings")

    def __str__(self) -> str:
        return str(self.client)

    def targets(self, severity: str) -> tuple[int, int]:
        """(acknowledge, resolve) business minutes for `severity`."""
        return (
            getattr(self, f"{severity}_ack_minutes"),
            getattr(self, f"{severity}_resolve_minutes"),
        )

    def clean(self):
        for severity in Severity.values:
            ack, resolve = self.targets(severity)
            if not 0 < ack <= resolve:
                raise ValidationError(
                    _(
                        "For each severity, acknowledging must take more than 0 and no longer "
                        "than resolving."
                    )
                )
        if self.account_director_id and self.account_director.role not in (Role.AGENT, Role.ADMIN):
            raise ValidationError({"account_director": _("Choose a member of the provider staff.")})


class ManagementContact(models.Model):
    """The provider's management list: escalation level 3 for every client."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("person"),
        limit_choices_to=STAFF_ONLY,
    )

    class Meta:
        verbose_name = _("management contact")
        verbose_name_plural = _("management contacts (escalation level 3)")

    def __str__(self) -> str:
        return str(self.person)

    def clean(self):
        if self.person_id and self.person.role not in (Role.AGENT, Role.ADMIN):
            raise ValidationError({"person": _("Choose a member of the provider staff.")})


class Complaint(models.Model):
    client = models.ForeignKey(
        Client, on_delete=models.PROTECT, related_name="complaints", verbose_name=_("client")
    )
    reference = models.CharField(_("reference"), max_length=30, blank=True, editable=False)
    source = models.CharField(_("source"), max_length=12, choices=Source)
    severity = models.CharField(
        _("severity"), max_length=10, choices=Severity, default=Severity.NORMAL
    )
    category = models.CharField(_("category"), max_length=20, choices=Category)
    subject = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("description"), max_length=20000)
    sites = models.ManyToManyField(Site, blank=True, related_name="+", verbose_name=_("sites"))
    people = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="complaints_concerning",
        verbose_name=_("end users concerned"),
    )
    tickets = models.ManyToManyField(
        Ticket, blank=True, related_name="complaints", verbose_name=_("tickets")
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="complaints_raised",
        verbose_name=_("raised by"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints_owned",
        verbose_name=_("owner"),
    )
    status = models.CharField(_("status"), max_length=15, choices=Status, default=Status.OPEN)
    root_cause = models.TextField(_("root cause"), blank=True, max_length=5000)
    corrective_action = models.TextField(_("corrective action"), blank=True, max_length=5000)
    calendar = models.ForeignKey(
        BusinessCalendar,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("calendar"),
    )
    ack_due_at = models.DateTimeField(_("acknowledge by"))
    resolve_due_at = models.DateTimeField(_("resolve by"))
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(_("escalation level"), default=0)
    last_escalated_at = models.DateTimeField(
        null=True, blank=True, verbose_name=_("last escalated")
    )
    # The next instant the sweep must look at this complaint (next escalation level), or None.
    next_check_at = models.DateTimeField(null=True, blank=True, verbose_name=_("next check"))
    created_at = models.DateTimeField(_("created"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        indexes = [
            models.Index(fields=["client", "status", "created_at"], name="complaint_client_status"),
            models.Index(fields=["owner", "status"], name="complaint_owner"),
            models.Index(fields=["raised_by", "created_at"], name="complaint_raised_by"),
            models.Index(
                fields=["next_check_at"],
                name="complaint_due_check",
                condition=Q(next_check_at__isnull=False),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(escalation_level__gte=0, escalation_level__lte=3),
                name="complaint_level_0_to_3",
            )
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.subject}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def pending_due_at(self):
        """The deadline now running: acknowledgement, then resolution; none once resolved."""
        if self.status == Status.OPEN:
            return self.ack_due_at
        if self.status in (Status.ACKNOWLEDGED, Status.INVESTIGATING, Status.REOPENED):
            return self.resolve_due_at
        return None


class ComplaintEvent(models.Model):
    """One immutable entry of a complaint's timeline; internal notes are for provider staff."""

    class Kind(models.TextChoices):
        CREATED = "created", pgettext_lazy("complaint event", "Logged")
        STATUS = "status", _("Status changed")
        OWNER = "owner", _("Owner changed")
        COMMENT = "comment", pgettext_lazy("complaint", "Comment")
        NOTE = "note", _("Internal note")
        ESCALATION = "escalation", _("Escalation")

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="events", verbose_name=_("complaint")
    )
    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="+", verbose_name=_("client")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind)
    is_internal = models.BooleanField(_("internal"), default=False)
    body = models.TextField(_("text"), blank=True, max_length=20000)
    old_status = models.CharField(
        max_length=15, blank=True, choices=Status, verbose_name=_("old status")
    )
    new_status = models.CharField(
        max_length=15, blank=True, choices=Status, verbose_name=_("new status")
    )
    created_at = models.DateTimeField(_("time"))

    objects = ComplaintChildQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("complaint event")
        verbose_name_plural = _("complaint events")
        indexes = [models.Index(fields=["complaint", "created_at"], name="cevent_complaint_time")]

    def __str__(self) -> str:
        return f"{self.complaint_id} {self.kind}"

    def save(self, *args, **kwargs):
        # The timeline is append-only: an existing entry is never rewritten.
        if self.pk is not None:
            raise ValidationError("Complaint events are immutable.")
        super().save(*args, **kwargs)


class EscalationFiring(models.Model):
    """A level that fired for a complaint: the unique row that makes each level fire once."""

    class Deadline(models.TextChoices):
        ACKNOWLEDGE = "acknowledge", _("acknowledgement")
        RESOLVE = "resolve", _("resolution")

    complaint = models.ForeignKey(
        Complaint, on_delete=models.CASCADE, related_name="firings", verbose_name=_("complaint")
    )
    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="+", verbose_name=_("client")
    )
    level = models.PositiveSmallIntegerField(_("level"))
    deadline = models.CharField(_("missed deadline"), max_length=12, choices=Deadline)
    trigger_at = models.DateTimeField(_("trigger instant"))
    fired_at = models.DateTimeField(_("fired"))
    # Emails wait for the calendar's working hours when the client's settings say so.
    notify_after = models.DateTimeField(_("notify after"))
    notified_at = models.DateTimeField(_("notified"), null=True, blank=True)

    objects = ComplaintSettingsQuerySet.as_manager()

    class Meta:
        ordering = ["complaint", "level"]
        verbose_name = _("complaint escalation")
        verbose_name_plural = _("complaint escalations")
        constraints = [
            models.UniqueConstraint(
                fields=["complaint", "level"],
                name="complaint_level_once",
                violation_error_message=_(
                    "This escalation level has already fired for this complaint."
                ),
            )
        ]
        indexes = [
            models.Index(
                fields=["notify_after"],
                name="cfiring_unnotified",
                condition=Q(notified_at__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.complaint_id} L{self.level}"
