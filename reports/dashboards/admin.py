"""Roll-ups in the admin, read-only: they are computed (rebuild_rollups), never edited."""

from django.contrib import admin

from reports.admin import ReadOnlyAdmin

from .models import BreachEntry, DailyRollup, MonthlyRollup, RollupState


@admin.register(DailyRollup)
class DailyRollupAdmin(ReadOnlyAdmin):
    list_display = ("client", "day", "site", "tier_name", "priority", "category", "opened")
    list_filter = ("client", "priority")
    search_fields = ("tier_name",)
    date_hierarchy = "day"
    list_select_related = ("client", "site", "category")


@admin.register(MonthlyRollup)
class MonthlyRollupAdmin(ReadOnlyAdmin):
    list_display = ("client", "month", "site", "tier_name", "priority", "category", "opened")
    list_filter = ("client", "priority")
    search_fields = ("tier_name",)
    list_select_related = ("client", "site", "category")


@admin.register(BreachEntry)
class BreachEntryAdmin(ReadOnlyAdmin):
    list_display = ("ticket", "kind", "breached_at", "client", "site", "tier_name", "priority")
    list_filter = ("client", "kind")
    search_fields = ("ticket__reference",)
    list_select_related = ("ticket", "client", "site")


@admin.register(RollupState)
class RollupStateAdmin(ReadOnlyAdmin):
    list_display = ("events_until",)
