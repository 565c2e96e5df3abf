"""Daily roll-ups of ticket figures, breach entries and the refresh watermark.

Dashboards read these instead of scanning tickets; `rollups.py` writes them from the tickets,
SLA clocks, status events and ratings, and can rebuild them from scratch.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from clients.models import Client, ServiceCategory, Site
from tickets.models import Priority, Ticket

from .querysets import DashboardRowQuerySet

# Upper edges (business minutes, inclusive) of the time-to-respond/resolve histogram buckets; a
# last bucket holds everything longer. The 90th percentile is read from these buckets.
HIST_EDGES = (15, 30, 60, 120, 240, 480, 720, 960, 1440, 1920, 2400, 3360, 4800, 7200, 9600, 14400)
HIST_BUCKETS = len(HIST_EDGES) + 1
CLOCK_PREFIXES = ("resp", "res")

# Additive counters: a period's figure is the sum of its days' rows.
COUNT_FIELDS = (
    "opened",
    "resolved",
    "reopened",
    "backlog_delta",
    "repeat_contacts",
    "resp_met",
    "resp_breached",
    "resp_n",
    "res_met",
    "res_breached",
    "res_n",
    "rated",
    "score_sum",
    "score_1",
    "score_2",
    "score_3",
    "score_4",
    "score_5",
    "csat_sent",
    "csat_answered",
    *(f"{p}_h{i}" for p in CLOCK_PREFIXES for i in range(HIST_BUCKETS)),
)
SUM_FIELDS = (*COUNT_FIELDS, "resp_minutes_sum", "res_minutes_sum")
MAX_FIELDS = ("resp_minutes_max", "res_minutes_max")
DIMENSIONS = ("site_id", "tier_name", "priority", "category_id")


class RollupCounters(models.Model):
    """The additive counters of one cell (site, tier, priority, category) of one client."""

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+", db_index=False)
    tier_name = models.CharField(_("tier"), max_length=100, blank=True)
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority)
    category = models.ForeignKey(
        ServiceCategory, on_delete=models.CASCADE, null=True, related_name="+", db_index=False
    )
    opened = models.IntegerField(default=0)
    resolved = models.IntegerField(default=0)
    reopened = models.IntegerField(default=0)
    # +1 created or back to an open status, -1 leaving the open statuses: backlog = running sum.
    backlog_delta = models.IntegerField(default=0)
    repeat_contacts = models.IntegerField(default=0)
    resp_met = models.IntegerField(default=0)
    resp_breached = models.IntegerField(default=0)
    resp_n = models.IntegerField(default=0)
    resp_minutes_sum = models.FloatField(default=0)
    resp_minutes_max = models.FloatField(default=0)
    res_met = models.IntegerField(default=0)
    res_breached = models.IntegerField(default=0)
    res_n = models.IntegerField(default=0)
    res_minutes_sum = models.FloatField(default=0)
    res_minutes_max = models.FloatField(default=0)
    rated = models.IntegerField(default=0)
    score_sum = models.IntegerField(default=0)
    score_1 = models.IntegerField(default=0)
    score_2 = models.IntegerField(default=0)
    score_3 = models.IntegerField(default=0)
    score_4 = models.IntegerField(default=0)
    score_5 = models.IntegerField(default=0)
    # Rating requests sent, and those answered, counted on the day sent: the response rate.
    csat_sent = models.IntegerField(default=0)
    csat_answered = models.IntegerField(default=0)

    objects = DashboardRowQuerySet.as_manager()

    class Meta:
        abstract = True


for _prefix in CLOCK_PREFIXES:
    for _i in range(HIST_BUCKETS):
        RollupCounters.add_to_class(f"{_prefix}_h{_i}", models.IntegerField(default=0))


class DailyRollup(RollupCounters):
    """One client's figures for one local day (client time zone) and one cell of site, tier,
    priority and category. Each fact counts on the day it happened: opened on creation,
    resolved/ratings on the ticket's resolution day, an SLA outcome on its breach or stop day."""

    day = models.DateField(_("day"))

    class Meta:
        verbose_name = _("daily roll-up")
        verbose_name_plural = _("daily roll-ups")
        constraints = [
            models.UniqueConstraint(
                fields=["client", "day", "site", "tier_name", "priority", "category"],
                name="rollup_unique_cell",
            )
        ]
        indexes = [models.Index(fields=["client", "day"], name="rollup_client_day")]

    def __str__(self) -> str:
        return f"{self.client_id} {self.day} {self.site_id}/{self.tier_name}/P{self.priority}"


class MonthlyRollup(RollupCounters):
    """The daily rows of one local month added up: a year of figures is 12 rows per cell
    instead of 365. Always rewritten from the daily rows of its month."""

    month = models.DateField(_("month"), help_text="First day of the month.")

    class Meta:
        verbose_name = _("monthly roll-up")
        verbose_name_plural = _("monthly roll-ups")
        constraints = [
            models.UniqueConstraint(
                fields=["client", "month", "site", "tier_name", "priority", "category"],
                name="monthly_rollup_unique_cell",
            )
        ]
        indexes = [models.Index(fields=["client", "month"], name="rollup_client_month")]

    def __str__(self) -> str:
        return f"{self.client_id} {self.month:%Y-%m} {self.site_id}/{self.tier_name}"


class BreachEntry(models.Model):
    """A breached SLA clock, listed on the dashboard with a link to its ticket."""

    class Kind(models.TextChoices):
        RESPONSE = "response", _("Response")
        RESOLUTION = "resolution", _("Resolution")

    client = models.ForeignKey(Client, on_delete=models.CASCADE, related_name="+")
    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=10, choices=Kind)
    day = models.DateField(_("day"))
    breached_at = models.DateTimeField(_("breached at"))
    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="+", db_index=False)
    tier_name = models.CharField(_("tier"), max_length=100, blank=True)
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority)
    category = models.ForeignKey(
        ServiceCategory, on_delete=models.CASCADE, null=True, related_name="+", db_index=False
    )

    objects = DashboardRowQuerySet.as_manager()

    class Meta:
        ordering = ["-breached_at", "-id"]
        verbose_name = _("SLA breach entry")
        verbose_name_plural = _("SLA breach entries")
        constraints = [
            models.UniqueConstraint(fields=["ticket", "kind"], name="breach_entry_unique_clock")
        ]
        indexes = [
            models.Index(fields=["client", "day", "breached_at"], name="breach_client_day"),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.kind} {self.breached_at:%Y-%m-%d}"


class RollupState(models.Model):
    """The incremental refresh's watermark: events up to `events_until` are rolled up."""

    events_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"roll-ups until {self.events_until}"
