"""Tickets, their immutable event timeline, attachments and the priority matrix."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from clients.models import Client, ServiceCategory, Site, Team

from .querysets import (
    OPEN_STATUSES,
    StaffOnlyTicketRowQuerySet,
    TicketChildQuerySet,
    TicketQuerySet,
    TicketRowQuerySet,
)


class Status(models.TextChoices):
    NEW = "new", _("New")
    ASSIGNED = "assigned", _("Assigned")
    IN_PROGRESS = "in_progress", _("In progress")
    WAITING = "waiting", _("Waiting on user")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")
    REOPENED = "reopened", _("Reopened")
    CANCELLED = "cancelled", _("Cancelled")


class Channel(models.TextChoices):
    PORTAL = "portal", _("Portal")
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("Email")
    API = "api", _("API")


class Impact(models.IntegerChoices):
    HIGH = 1, _("Many people or a whole site cannot work")
    MEDIUM = 2, _("A few people are affected")
    LOW = 3, _("Only me")


class Urgency(models.IntegerChoices):
    HIGH = 1, _("Work has stopped")
    MEDIUM = 2, _("Work is slowed down")
    LOW = 3, _("It can wait")


class Priority(models.IntegerChoices):
    P1 = 1, "P1"
    P2 = 2, "P2"
    P3 = 3, "P3"
    P4 = 4, "P4"


class PriorityRule(models.Model):
    """One cell of the impact x urgency -> priority matrix; admins change it."""

    impact = models.PositiveSmallIntegerField(_("impact"), choices=Impact)
    urgency = models.PositiveSmallIntegerField(_("urgency"), choices=Urgency)
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority)

    class Meta:
        ordering = ["impact", "urgency"]
        verbose_name = _("priority rule")
        verbose_name_plural = _("priority matrix")
        constraints = [
            models.UniqueConstraint(
                fields=["impact", "urgency"],
                name="priority_rule_unique_cell",
                violation_error_message=_("A rule for this impact and urgency exists already."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_impact_display()} / {self.get_urgency_display()} → P{self.priority}"


class TicketCounter(models.Model):
    """Last ticket number handed out per client; row-locked so numbers are never reused."""

    client = models.OneToOneField(
        Client, on_delete=models.CASCADE, primary_key=True, verbose_name=_("client")
    )
    last_number = models.PositiveIntegerField(default=0, verbose_name=_("last number"))

    def __str__(self) -> str:
        return f"{self.client_id}: {self.last_number}"


class Ticket(models.Model):
    # client, site, requester and assignee have no index of their own: a composite index in
    # Meta starts with each (fewer indexes to write per new ticket).
    client = models.ForeignKey(
        Client,
        on_delete=models.PROTECT,
        related_name="tickets",
        verbose_name=_("client"),
        db_index=False,
    )
    site = models.ForeignKey(
        Site,
        on_delete=models.PROTECT,
        related_name="tickets",
        verbose_name=_("site"),
        db_index=False,
    )
    reference = models.CharField(_("reference"), max_length=30, unique=True, editable=False)
    number = models.PositiveIntegerField(_("number"), editable=False)
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="requested_tickets",
        verbose_name=_("requester"),
        db_index=False,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("created by"),
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel, default=Channel.PORTAL)
    category = models.ForeignKey(
        ServiceCategory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("category"),
    )
    impact = models.PositiveSmallIntegerField(_("impact"), choices=Impact, default=Impact.LOW)
    urgency = models.PositiveSmallIntegerField(
        _("urgency"), choices=Urgency, default=Urgency.MEDIUM
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority, default=Priority.P3
    )
    subject = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("description"), max_length=20000)
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.NEW)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assigned_tickets",
        verbose_name=_("assignee"),
        db_index=False,
    )
    team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("team")
    )
    version = models.PositiveIntegerField(
        default=1, help_text="Optimistic concurrency counter.", verbose_name=_("version")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    first_response_at = models.DateTimeField(_("first response"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # Written by the SLA engine: the next instant a running clock falls due (queue order).
    sla_due_at = models.DateTimeField(_("SLA due"), null=True, blank=True)

    objects = TicketQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        constraints = [
            models.UniqueConstraint(
                fields=["client", "number"],
                name="ticket_unique_number",
                violation_error_message=_("This client already has a ticket with this number."),
            ),
        ]
        indexes = [
            models.Index(fields=["client", "status", "created_at"], name="ticket_client_status"),
            # "My tickets" reads newest first (-created_at, -id): the index scanned backwards.
            models.Index(fields=["requester", "created_at", "id"], name="ticket_requester"),
            # The workspace's "other open tickets" of the requester, newest first: without it
            # PostgreSQL read all of a requester's tickets (thousands for a busy one) to find five.
            models.Index(
                fields=["requester", "created_at"],
                name="ticket_requester_open",
                condition=models.Q(status__in=OPEN_STATUSES),
            ),
            models.Index(fields=["site", "created_at"], name="ticket_site"),
            models.Index(fields=["assignee", "status"], name="ticket_assignee"),
            models.Index(
                fields=["sla_due_at", "priority", "created_at"],
                name="ticket_queue_open",
                condition=models.Q(status__in=OPEN_STATUSES),
            ),
            models.Index(
                fields=["client", "sla_due_at", "priority", "created_at"],
                name="ticket_queue_client_open",
                condition=models.Q(status__in=OPEN_STATUSES),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.subject}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def clean(self):
        if self.site_id and self.client_id and self.site.client_id != self.client_id:
            raise ValidationError({"site": _("The site belongs to another client.")})


EVENT_FIELD_LABELS = {
    "status": _("Status"),
    "assignee": _("Assignee"),
    "team": _("Team"),
    "priority": _("Priority"),
    "category": _("Category"),
    "subject": _("Subject"),
    "description": _("Description"),
}


# Renderers of fact-stored timeline entries, by the fact's prefix ("sla"), registered by the
# apps above tickets that write them: callable(data) -> text in the active language.
EVENT_FACTS: dict = {}


class TicketEvent(models.Model):
    """One immutable entry of a ticket's timeline."""

    class Kind(models.TextChoices):
        CREATED = "created", pgettext_lazy("ticket event", "Created")
        REPLY = "reply", _("Reply")
        NOTE = "note", _("Internal note")
        STATUS = "status", _("Status changed")
        ASSIGNED = "assigned", _("Assigned")
        PRIORITY = "priority", _("Priority changed")
        CATEGORY = "category", _("Category changed")
        FIELD = "field", _("Field changed")
        ATTACHMENT = "attachment", _("Attachment added")
        RATING = "rating", _("Rated")
        SLA = "sla", _("SLA")

    ticket = models.ForeignKey(  # indexed by event_ticket_time, which starts with it
        Ticket,
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name=_("ticket"),
        db_index=False,
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
    kind = models.CharField(_("kind"), max_length=20, choices=Kind)
    is_internal = models.BooleanField(_("internal"), default=False)
    body = models.TextField(_("text"), blank=True, max_length=20000)
    field = models.CharField(max_length=40, blank=True, verbose_name=_("field"))
    old_value = models.CharField(max_length=300, blank=True, verbose_name=_("old value"))
    new_value = models.CharField(max_length=300, blank=True, verbose_name=_("new value"))
    # System entries are stored as facts ({"fact": "sla.breach", ...}) and put into words when
    # shown, in the viewer's language, by the renderer the owning app registers in EVENT_FACTS.
    data = models.JSONField(_("facts"), default=dict, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    objects = TicketChildQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")
        indexes = [models.Index(fields=["ticket", "created_at"], name="event_ticket_time")]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.kind}"

    def save(self, *args, **kwargs):
        # The timeline is append-only: an existing event is never rewritten.
        if self.pk is not None:
            raise ValidationError("Ticket events are immutable.")
        super().save(*args, **kwargs)

    @property
    def field_label(self) -> str:
        return str(EVENT_FIELD_LABELS.get(self.field, self.field))

    @property
    def text(self) -> str:
        """The entry's words: the stored body, or its facts rendered in the active language."""
        render = EVENT_FACTS.get(str(self.data.get("fact", "")).partition(".")[0])
        return render(self.data) if render and self.data else self.body

    @property
    def old_display(self) -> str:
        return self._value_label(self.old_value)

    @property
    def new_display(self) -> str:
        return self._value_label(self.new_value)

    def _value_label(self, value: str) -> str:
        if self.field == "status" and value in Status.values:
            return str(Status(value).label)
        return value


# Images a browser shows inline; everything else (SVG, PDF, ...) is only ever downloaded.
INLINE_IMAGE_TYPES = frozenset({"image/png", "image/jpeg"})


def attachment_path(instance, filename: str) -> str:
    # Random name: the stored path is never derived from user input nor served directly.
    return f"attachments/{instance.client_id}/{instance.token}"


class Attachment(models.Model):
    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("ticket")
    )
    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="+", verbose_name=_("client")
    )
    event = models.ForeignKey(
        TicketEvent,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("event"),
    )
    token = models.CharField(max_length=64, unique=True, editable=False, verbose_name=_("token"))
    file = models.FileField(upload_to=attachment_path, verbose_name=_("file"))
    filename = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    is_internal = models.BooleanField(_("internal"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created"))

    objects = TicketChildQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.filename

    @property
    def is_previewable(self) -> bool:
        """Shown inline as a thumbnail (the content type was sniffed from the bytes on upload)."""
        return self.content_type in INLINE_IMAGE_TYPES


class Rating(models.Model):
    """The requester's 1-5 satisfaction with one resolution of a ticket (CSAT).

    A ticket reopened and resolved again is rated again; its latest rating is the one that counts.
    """

    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="ratings", verbose_name=_("ticket")
    )
    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="+", verbose_name=_("client")
    )
    # 1 for the first time the ticket was resolved, 2 after a reopen and a second resolution...
    resolution = models.PositiveSmallIntegerField(_("resolution"), default=1)
    score = models.PositiveSmallIntegerField(_("score"), choices=[(i, str(i)) for i in range(1, 6)])
    comment = models.TextField(_("comment"), blank=True, max_length=2000)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("rated by"),
    )
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("created"))

    objects = TicketRowQuerySet.as_manager()

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=5), name="rating_score_1_to_5"
            ),
            models.UniqueConstraint(
                fields=["ticket", "resolution"],
                name="rating_once_per_resolution",
                violation_error_message=_("This resolution has already been rated."),
            ),
        ]
        indexes = [models.Index(fields=["client", "created_at"], name="rating_client_time")]

    def __str__(self) -> str:
        return f"{self.ticket_id}#{self.resolution}: {self.score}"


class TimeEntry(models.Model):
    """Minutes an agent spent on a ticket, recorded with a reply or a note (cost of a client)."""

    class Kind(models.TextChoices):
        REMOTE = "remote", _("Remote")
        ON_SITE = "on_site", _("On site")

    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="time_entries", verbose_name=_("ticket")
    )
    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="+", verbose_name=_("client")
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("agent"),
    )
    event = models.ForeignKey(
        TicketEvent,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("timeline entry"),
    )
    minutes = models.PositiveIntegerField(_("minutes"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.REMOTE)
    at = models.DateTimeField(_("time"), default=timezone.now)

    objects = StaffOnlyTicketRowQuerySet.as_manager()

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("time entry")
        verbose_name_plural = _("time spent")
        indexes = [models.Index(fields=["client", "at"], name="time_entry_client_time")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(minutes__gte=1, minutes__lte=1440),
                name="time_entry_minutes_1_to_1440",
            )
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id}: {self.minutes} min"


class ReplyTemplate(models.Model):
    """A canned reply of a team (常用回复); provider-owned, shown to the team's members.

    Placeholders {requester_name}, {reference} and {agent_name} are filled when shown.
    """

    team = models.ForeignKey(
        Team, on_delete=models.CASCADE, related_name="reply_templates", verbose_name=_("team")
    )
    title = models.CharField(_("title"), max_length=100)
    body = models.TextField(
        _("text"),
        max_length=5000,
        help_text=_("Placeholders: {requester_name}, {reference}, {agent_name}."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["team__name", "title"]
        verbose_name = _("reply template")
        verbose_name_plural = _("reply templates")
        constraints = [
            models.UniqueConstraint(fields=["team", "title"], name="reply_template_unique_title")
        ]

    def __str__(self) -> str:
        return f"{self.team} · {self.title}"


def reply_text_fill(body: str, *, ticket: Ticket, agent) -> str:
    """A reply template's text with its placeholders filled for `ticket`."""
    # Plain replacement, not str.format: a stray brace in the text must not break the page.
    values = {
        "requester_name": ticket.requester.display_name,
        "reference": ticket.reference,
        "agent_name": agent.display_name,
    }
    for name, value in values.items():
        body = body.replace("{" + name + "}", value)
    return body


class CreateRequest(models.Model):
    """A ticket-creating request already seen: a form's one-time token or an API
    Idempotency-Key, per person. A repeat gets the ticket made the first time."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("person"),
    )
    key = models.CharField(_("key"), max_length=200)
    # Hash of the API request body; empty for form tokens (a resubmitted form may differ).
    fingerprint = models.CharField(_("request fingerprint"), max_length=64, blank=True)
    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="+", verbose_name=_("ticket")
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="create_request_unique_key")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key}"
