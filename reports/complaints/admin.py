from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import (
    Complaint,
    ComplaintEvent,
    ComplaintSettings,
    EscalationFiring,
    ManagementContact,
)


@admin.register(ComplaintSettings)
class ComplaintSettingsAdmin(admin.ModelAdmin):
    list_display = (
        "client",
        "account_director",
        "normal_ack_minutes",
        "normal_resolve_minutes",
        "level_step_minutes",
        "hold_to_working_hours",
    )
    list_select_related = ("client", "account_director")
    fieldsets = (
        (None, {"fields": ("client", "calendar", "account_director", "hold_to_working_hours")}),
        (
            _("Deadlines (business minutes)"),
            {
                "fields": (
                    ("normal_ack_minutes", "normal_resolve_minutes"),
                    ("serious_ack_minutes", "serious_resolve_minutes"),
                    ("critical_ack_minutes", "critical_resolve_minutes"),
                    "level_step_minutes",
                )
            },
        ),
    )


@admin.register(ManagementContact)
class ManagementContactAdmin(admin.ModelAdmin):
    list_display = ("person",)
    list_select_related = ("person",)


class ComplaintEventInline(admin.TabularInline):
    model = ComplaintEvent
    extra = 0
    can_delete = False
    fields = ("created_at", "actor", "kind", "is_internal", "body")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False  # the timeline is written by services only


class EscalationFiringInline(admin.TabularInline):
    model = EscalationFiring
    extra = 0
    can_delete = False
    fields = ("level", "deadline", "trigger_at", "fired_at", "notify_after", "notified_at")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Complaint)
class ComplaintAdmin(admin.ModelAdmin):
    """Read-only here: complaints move through their pages and services, which keep the timeline."""

    list_display = ("reference", "client", "subject", "source", "severity", "status", "owner")
    list_filter = ("status", "source", "severity", "client")
    search_fields = ("reference", "subject")
    list_select_related = ("client", "owner")
    inlines = [EscalationFiringInline, ComplaintEventInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
