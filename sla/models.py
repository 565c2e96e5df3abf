"""Service tiers, business calendars, per-ticket SLA clocks and escalation rules."""

from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from clients.models import Client, Site, Team, validate_time_zone
from itsm.config_cache import cached
from tickets.models import Priority, Ticket

from .calendar import CalendarError, CalendarSpec, DayHours, Pause, parse_intervals, validate_spec
from .querysets import ProviderRowQuerySet, SlaClockQuerySet

WEEKDAY_FIELDS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
HOURS_HELP = _('Working hours, e.g. "09:00-12:00, 13:00-18:00"; blank means a day off.')


def calendar_error_text(exc: CalendarError) -> str:
    """The pure module's error in the active language (its "where" part included)."""
    params = {
        key: gettext(value) if key == "where" and value else value
        for key, value in exc.params.items()
    }
    return gettext(exc.template) % params


class BusinessCalendar(models.Model):
    """Weekly working hours in a time zone, plus holidays and make-up working days."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    time_zone = models.CharField(_("time zone"), max_length=64, default="Asia/Shanghai")
    mon = models.CharField(_("Monday"), max_length=200, blank=True, help_text=HOURS_HELP)
    tue = models.CharField(_("Tuesday"), max_length=200, blank=True, help_text=HOURS_HELP)
    wed = models.CharField(_("Wednesday"), max_length=200, blank=True, help_text=HOURS_HELP)
    thu = models.CharField(_("Thursday"), max_length=200, blank=True, help_text=HOURS_HELP)
    fri = models.CharField(_("Friday"), max_length=200, blank=True, help_text=HOURS_HELP)
    sat = models.CharField(_("Saturday"), max_length=200, blank=True, help_text=HOURS_HELP)
    sun = models.CharField(_("Sunday"), max_length=200, blank=True, help_text=HOURS_HELP)
    makeup_hours = models.CharField(
        _("make-up day hours"),
        max_length=200,
        blank=True,
        help_text=_(
            "Hours on make-up working days; blank means those of the first working weekday."
        ),
    )
    uses_official_days = models.BooleanField(
        _("follows China's official holidays"),
        default=False,
        help_text=_(
            "Its holidays and make-up days are the official ones: admins are warned from "
            "November on while next year's days are not loaded, and load_cn_holidays fills it."
        ),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("business calendar")
        verbose_name_plural = _("business calendars")

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def clean(self):
        errors, week = {}, []
        for field in (*WEEKDAY_FIELDS, "makeup_hours"):
            try:
                week.append(parse_intervals(getattr(self, field)))
            except CalendarError as exc:
                errors[field] = _("Invalid hours: %(error)s.") % {"error": calendar_error_text(exc)}
        try:
            validate_time_zone(self.time_zone)
        except ValidationError as exc:
            errors["time_zone"] = exc.messages
        if errors:
            raise ValidationError(errors)
        if not any(week[:7]):
            raise ValidationError(_("A calendar needs working hours on at least one weekday."))
        try:
            validate_spec(
                CalendarSpec(tz=self.time_zone, week=tuple(week[:7]), makeup_hours=week[7])
            )
        except CalendarError as exc:
            raise ValidationError(
                _("Invalid calendar: %(error)s.") % {"error": calendar_error_text(exc)}
            ) from exc

    def week_hours(self) -> tuple[DayHours, ...]:
        return tuple(parse_intervals(getattr(self, field)) for field in WEEKDAY_FIELDS)

    def spec(self) -> CalendarSpec:
        """The pure CalendarSpec; rebuilt (one query for the days) only after the calendar changed.

        Building one reads hundreds of CalendarDay rows and every clock change needs it, so each
        process keeps it (itsm.config_cache) per calendar and updated_at; saving a calendar or
        one of its days drops every process's copy.
        """
        key = ("sla.calendar-spec", self.pk, self.updated_at)
        return cached(key, self._build_spec, lasting=True)

    def _build_spec(self) -> CalendarSpec:
        days = list(self.days.values_list("date", "kind"))
        return CalendarSpec(
            tz=self.time_zone,
            week=self.week_hours(),
            holidays=frozenset(day for day, kind in days if kind == CalendarDay.Kind.HOLIDAY),
            extra_workdays=frozenset(day for day, kind in days if kind == CalendarDay.Kind.WORKDAY),
            makeup_hours=parse_intervals(self.makeup_hours),
        )


class CalendarDay(models.Model):
    """A holiday (no work despite the weekday) or a make-up working day (调休) of one calendar."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Holiday")
        WORKDAY = "workday", _("Make-up working day")

    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.CASCADE, related_name="days", verbose_name=_("calendar")
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind)
    name = models.CharField(_("name"), max_length=100, blank=True)

    class Meta:
        ordering = ["calendar", "date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        constraints = [
            models.UniqueConstraint(
                fields=["calendar", "date"],
                name="calendar_day_unique_date",
                violation_error_message=_("This calendar already has an entry for this date."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.name}".strip()


class ServiceTier(models.Model):
    """A grade of service: a calendar and finite targets for every priority."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    rank = models.PositiveSmallIntegerField(
        _("rank"), default=100, help_text=_("Tiers are listed by rank, lowest first.")
    )
    description = models.TextField(_("description"), blank=True)
    calendar = models.ForeignKey(
        BusinessCalendar, on_delete=models.PROTECT, related_name="tiers", verbose_name=_("calendar")
    )
    warning_percent = models.PositiveSmallIntegerField(
        _("warning at (percent of target)"),
        default=75,
        validators=[MinValueValidator(1), MaxValueValidator(99)],
    )
    is_default = models.BooleanField(
        _("default tier"), default=False, help_text=_("Applies to clients without an assignment.")
    )

    class Meta:
        ordering = ["rank", "name"]
        verbose_name = _("service tier")
        verbose_name_plural = _("service tiers")
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=Q(is_default=True),
                name="tier_single_default",
                violation_error_message=_("Another tier is already the default."),
            ),
            models.CheckConstraint(
                condition=Q(warning_percent__gte=1, warning_percent__lte=99),
                name="tier_warning_percent_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def missing_priorities(self) -> list[int]:
        """Priorities without targets (one query); a complete tier has none."""
        present = set(self.targets.values_list("priority", flat=True))
        return [priority for priority in Priority.values if priority not in present]


class TierTarget(models.Model):
    """Response and resolution targets of one tier for one priority, in business minutes."""

    tier = models.ForeignKey(
        ServiceTier, on_delete=models.CASCADE, related_name="targets", verbose_name=_("tier")
    )
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority)
    response_minutes = models.PositiveIntegerField(
        _("response (business minutes)"), validators=[MinValueValidator(1)]
    )
    resolution_minutes = models.PositiveIntegerField(
        _("resolution (business minutes)"), validators=[MinValueValidator(1)]
    )

    class Meta:
        ordering = ["tier", "priority"]
        verbose_name = _("tier target")
        verbose_name_plural = _("tier targets")
        constraints = [
            models.UniqueConstraint(
                fields=["tier", "priority"],
                name="tier_target_unique_priority",
                violation_error_message=_("This tier already has targets for this priority."),
            ),
            models.CheckConstraint(
                condition=Q(response_minutes__gt=0, resolution_minutes__gt=0),
                name="tier_target_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tier} P{self.priority}: {self.response_minutes}/{self.resolution_minutes}"

    def clean(self):
        both = self.response_minutes and self.resolution_minutes
        if both and self.response_minutes > self.resolution_minutes:
            raise ValidationError(
                _("The response target cannot be longer than the resolution target.")
            )


class TierAssignment(models.Model):
    """Which tier serves a client (default), one of its sites or one person (overrides)."""

    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="tier_assignments", verbose_name=_("client")
    )
    site = models.ForeignKey(
        Site,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("site"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("end user"),
    )
    tier = models.ForeignKey(
        ServiceTier, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("tier")
    )

    objects = ProviderRowQuerySet.as_manager()

    class Meta:
        ordering = ["client", "site", "user"]
        verbose_name = _("tier assignment")
        verbose_name_plural = _("tier assignments")
        constraints = [
            models.CheckConstraint(
                condition=Q(site__isnull=True) | Q(user__isnull=True),
                name="tier_assignment_site_or_user",
                violation_error_message=_("Assign a tier to a site or to a person, not both."),
            ),
            models.UniqueConstraint(
                fields=["client"],
                condition=Q(site__isnull=True, user__isnull=True),
                name="tier_assignment_one_per_client",
                violation_error_message=_("This client already has a client-wide tier."),
            ),
            models.UniqueConstraint(
                fields=["client", "site"],
                condition=Q(site__isnull=False),
                name="tier_assignment_one_per_site",
                violation_error_message=_("This site already has a tier."),
            ),
            models.UniqueConstraint(
                fields=["client", "user"],
                condition=Q(user__isnull=False),
                name="tier_assignment_one_per_user",
                violation_error_message=_("This person already has a tier."),
            ),
        ]

    def __str__(self) -> str:
        scope = self.user or self.site or self.client
        return f"{scope} → {self.tier}"

    def clean(self):
        if self.site_id and self.client_id and self.site.client_id != self.client_id:
            raise ValidationError({"site": _("The site belongs to another client.")})
        if self.user_id and self.client_id and self.user.client_id != self.client_id:
            raise ValidationError({"user": _("This person belongs to another client.")})
        missing = self.tier.missing_priorities() if self.tier_id else []
        if missing:
            raise ValidationError(
                {
                    "tier": _(
                        "Tier “%(tier)s” has no targets for %(missing)s; complete it before "
                        "assigning it."
                    )
                    % {"tier": self.tier.name, "missing": ", ".join(f"P{p}" for p in missing)}
                }
            )


class SlaClock(models.Model):
    """One SLA timer of a ticket. Target, tier and calendar are copies of what applied, so
    history survives later edits of tiers."""

    class Kind(models.TextChoices):
        RESPONSE = "response", _("Response")
        RESOLUTION = "resolution", _("Resolution")

    # Every clock write (the sweep's too) updates each index, so only indexes that pay for
    # themselves: the (ticket, kind) unique index serves lookups by ticket, and re-targeting by
    # tier or calendar is a rare admin action that may scan.
    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="+", verbose_name=_("client")
    )
    ticket = models.ForeignKey(
        Ticket,
        on_delete=models.CASCADE,
        related_name="sla_clocks",
        db_index=False,
        verbose_name=_("ticket"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind)
    tier = models.ForeignKey(
        ServiceTier,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        verbose_name=_("tier"),
    )
    tier_name = models.CharField(_("tier"), max_length=100)
    calendar = models.ForeignKey(
        BusinessCalendar,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("calendar"),
        db_index=False,
    )
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority)
    target_minutes = models.PositiveIntegerField(_("target (business minutes)"))
    warning_percent = models.PositiveSmallIntegerField(_("warning at (percent of target)"))
    started_at = models.DateTimeField(_("started"))
    paused_since = models.DateTimeField(_("paused since"), null=True, blank=True)
    # Closed pauses: [{"start": iso, "end": iso, "reason": "waiting" | "resolved"}]. A reopened
    # resolution clock records its resolved-to-reopened gap here, so it never counts.
    pauses = models.JSONField(_("pauses"), default=list, blank=True)
    elapsed_minutes = models.FloatField(
        _("elapsed business minutes"),
        default=0,
        help_text=_("At the last pause, stop or re-target."),
    )
    due_at = models.DateTimeField(_("due"))
    # The instant after which more than the target is used: due_at, or the end of the
    # non-counting gap that starts there. Stopping by it is met; the sweep flags after it.
    breach_at = models.DateTimeField(_("breached after"))
    warn_at = models.DateTimeField(_("warning due"))
    # Earliest pending trigger (warning, breach, percent rule) of a running clock; NULL otherwise.
    next_check_at = models.DateTimeField(_("next check"), null=True, blank=True)
    stopped_at = models.DateTimeField(_("stopped"), null=True, blank=True)
    met = models.BooleanField(_("met"), null=True, blank=True)
    warned_at = models.DateTimeField(_("warned at"), null=True, blank=True)
    breached_at = models.DateTimeField(_("breached at"), null=True, blank=True)
    # Re-targets: [{"at": iso, "old": minutes, "new": minutes, "reason": text}]
    history = models.JSONField(_("target changes"), default=list, blank=True)

    objects = SlaClockQuerySet.as_manager()

    class Meta:
        ordering = ["ticket", "kind"]
        verbose_name = _("SLA clock")
        verbose_name_plural = _("SLA clocks")
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "kind"],
                name="sla_clock_unique_kind",
                violation_error_message=_("This ticket already has a clock of this kind."),
            )
        ]
        indexes = [
            models.Index(
                fields=["next_check_at"],
                name="sla_clock_next_check",
                condition=Q(next_check_at__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.kind}"

    @property
    def is_running(self) -> bool:
        return self.stopped_at is None and self.paused_since is None

    @property
    def kind_label(self) -> str:
        # Cheaper than get_kind_display(), which rebuilds the choices dict: the sweep calls this
        # for every flag.
        return str(self.Kind(self.kind).label)

    def pause_intervals(self) -> list[Pause]:
        return [
            (datetime.fromisoformat(p["start"]), datetime.fromisoformat(p["end"]))
            for p in self.pauses
        ]


class EscalationRule(models.Model):
    """What happens when a clock of a matching tier, priority and kind reaches a trigger."""

    class Trigger(models.TextChoices):
        WARNING = "warning", _("Warning")
        BREACH = "breach", _("Breach")
        PERCENT = "percent", _("Percent of target")

    class Action(models.TextChoices):
        NOTIFY_ASSIGNEE = "notify_assignee", _("Notify the assignee")
        NOTIFY_TEAM_LEAD = "notify_team_lead", _("Notify the team lead")
        NOTIFY_ADDRESS = "notify_address", _("Notify an email address")
        NOTIFY_CLIENT_MANAGER = "notify_client_manager", _("Notify the client's managers")
        REASSIGN_TEAM = "reassign_team", _("Reassign to a team")
        RAISE_PRIORITY = "raise_priority", _("Raise the priority by one")

    class Delivery(models.TextChoices):
        IMMEDIATELY = "immediately", _("Immediately")
        NEXT_WORKING_HOUR = "next_working_hour", _("At the next working hour")

    NOTIFY_ACTIONS = frozenset(
        {
            Action.NOTIFY_ASSIGNEE,
            Action.NOTIFY_TEAM_LEAD,
            Action.NOTIFY_ADDRESS,
            Action.NOTIFY_CLIENT_MANAGER,
        }
    )

    name = models.CharField(_("name"), max_length=100)
    is_active = models.BooleanField(_("active"), default=True)
    tier = models.ForeignKey(
        ServiceTier,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("tier"),
        help_text=_("Blank: every tier."),
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"),
        choices=Priority,
        null=True,
        blank=True,
        help_text=_("Blank: every priority."),
    )
    clock_kind = models.CharField(_("clock"), max_length=10, choices=SlaClock.Kind)
    trigger = models.CharField(_("trigger"), max_length=10, choices=Trigger)
    percent = models.PositiveSmallIntegerField(
        _("percent"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(1000)],
        help_text=_("For a percent trigger: share of the target used, e.g. 50 or 150."),
    )
    action = models.CharField(_("action"), max_length=30, choices=Action)
    address = models.EmailField(_("email address"), blank=True)
    team = models.ForeignKey(
        Team,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("team"),
    )
    deliver = models.CharField(
        _("deliver"), max_length=20, choices=Delivery, default=Delivery.IMMEDIATELY
    )

    class Meta:
        ordering = ["clock_kind", "trigger", "percent", "name"]
        verbose_name = _("escalation rule")
        verbose_name_plural = _("escalation rules")
        constraints = [
            models.CheckConstraint(
                condition=Q(trigger="percent", percent__isnull=False)
                | (~Q(trigger="percent") & Q(percent__isnull=True)),
                name="escalation_percent_iff_percent_trigger",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        errors = {}
        if self.trigger == self.Trigger.PERCENT and not self.percent:
            errors["percent"] = _("A percent trigger needs a percent.")
        if self.trigger != self.Trigger.PERCENT and self.percent:
            errors["percent"] = _("Only a percent trigger takes a percent.")
        if self.action == self.Action.NOTIFY_ADDRESS and not self.address:
            errors["address"] = _("Give the email address to notify.")
        if self.action == self.Action.REASSIGN_TEAM and not self.team_id:
            errors["team"] = _("Choose the team to reassign to.")
        if (
            self.deliver == self.Delivery.NEXT_WORKING_HOUR
            and self.action not in self.NOTIFY_ACTIONS
        ):
            errors["deliver"] = _("Only notifications can wait for the next working hour.")
        if errors:
            raise ValidationError(errors)


class RuleFiring(models.Model):
    """A rule fired for a clock; the unique pair makes every rule act once per clock."""

    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="+", verbose_name=_("client")
    )
    rule = models.ForeignKey(
        EscalationRule, on_delete=models.CASCADE, related_name="firings", verbose_name=_("rule")
    )
    clock = models.ForeignKey(
        SlaClock, on_delete=models.CASCADE, related_name="firings", verbose_name=_("clock")
    )
    trigger_at = models.DateTimeField(_("trigger instant"))
    fired_at = models.DateTimeField(_("fired"))

    objects = ProviderRowQuerySet.as_manager()

    class Meta:
        ordering = ["-fired_at"]
        verbose_name = _("rule firing")
        verbose_name_plural = _("rule firings")
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "clock"],
                name="rule_firing_once_per_clock",
                violation_error_message=_("This rule has already fired for this clock."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.rule} @ {self.clock}"


class HeldNotification(models.Model):
    """An escalation email held until the calendar's next working instant."""

    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="+", verbose_name=_("client")
    )
    firing = models.ForeignKey(
        RuleFiring, on_delete=models.CASCADE, related_name="held", verbose_name=_("firing")
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recipient"),
    )
    address = models.EmailField(_("email address"), blank=True)
    send_after = models.DateTimeField(_("send after"))
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    objects = ProviderRowQuerySet.as_manager()

    class Meta:
        ordering = ["send_after"]
        verbose_name = _("held notification")
        verbose_name_plural = _("held notifications")
        indexes = [
            models.Index(
                fields=["send_after"], name="sla_held_unsent", condition=Q(sent_at__isnull=True)
            )
        ]

    def __str__(self) -> str:
        return f"{self.recipient or self.address} after {self.send_after:%Y-%m-%d %H:%M}"


class RetargetJob(models.Model):
    """Re-targeting the open tickets after an admin change, run by a task after the admin's
    transaction committed, in short transactions; `done` of `total` shows its progress."""

    class Scope(models.TextChoices):
        TIER = "tier", _("Service tier")
        CLIENT = "client", _("Client's tier assignments")
        CALENDAR = "calendar", _("Business calendar")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    scope = models.CharField(_("changed"), max_length=10, choices=Scope)
    # The tier, client or calendar's id: no foreign key, the job outlives a deleted row.
    scope_id = models.PositiveBigIntegerField(_("id"))
    reason = models.CharField(_("reason"), max_length=300)
    # The admin's language when queued: the timeline lines it writes read like the reason.
    language = models.CharField(_("language"), max_length=10, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.QUEUED)
    total = models.PositiveIntegerField(_("open tickets"), null=True, blank=True)
    done = models.PositiveIntegerField(_("tickets done"), default=0)
    retargeted = models.PositiveIntegerField(_("tickets re-targeted"), default=0)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("SLA re-target job")
        verbose_name_plural = _("SLA re-target jobs")

    def __str__(self) -> str:
        return f"{self.reason} ({self.get_status_display()})"


class OfficialDaysReminder(models.Model):
    """One row per week in which admins were emailed that official days are missing: the
    reminder goes out once a week however often the task runs."""

    week = models.DateField(_("week (Monday)"), unique=True)
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)
    missing = models.CharField(_("missing"), max_length=500, blank=True)

    class Meta:
        ordering = ["-week"]
        verbose_name = _("official days reminder")
        verbose_name_plural = _("official days reminders")

    def __str__(self) -> str:
        return f"{self.week} {self.missing}"
