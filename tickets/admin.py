"""Ticket admin, read-mostly: changes go through the workspace so the timeline records them."""

from django.contrib import admin

from .models import Attachment, PriorityRule, Rating, Ticket, TicketEvent


@admin.register(PriorityRule)
class PriorityRuleAdmin(admin.ModelAdmin):
    list_display = ("impact", "urgency", "priority")
    list_editable = ("priority",)
    list_filter = ("priority",)


class EventInline(admin.TabularInline):
    model = TicketEvent
    extra = 0
    can_delete = False
    fields = (
        "created_at",
        "actor",
        "kind",
        "is_internal",
        "field",
        "old_value",
        "new_value",
        "body",
    )
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Ticket)
class TicketAdmin(admin.ModelAdmin):
    list_display = (
        "reference",
        "subject",
        "client",
        "site",
        "status",
        "priority",
        "assignee",
        "created_at",
        "sla_due_at",
    )
    list_filter = ("status", "priority", "channel", "client")
    search_fields = ("reference", "subject", "requester__username", "requester__email")
    list_select_related = ("client", "site", "assignee")
    date_hierarchy = "created_at"
    readonly_fields = (
        "reference",
        "number",
        "client",
        "requester",
        "created_by",
        "status",
        "assignee",
        "team",
        "priority",
        "version",
        "created_at",
        "updated_at",
        "first_response_at",
        "resolved_at",
        "closed_at",
        "sla_due_at",
    )
    inlines = [EventInline]
    show_full_result_count = False  # no COUNT(*) over a million rows per page


@admin.register(TicketEvent)
class TicketEventAdmin(admin.ModelAdmin):
    list_display = ("ticket", "kind", "actor", "is_internal", "created_at")
    list_filter = ("kind", "is_internal")
    search_fields = ("ticket__reference", "body")
    list_select_related = ("ticket", "actor")
    show_full_result_count = False

    def has_change_permission(self, request, obj=None):
        return False  # the timeline is immutable


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = (
        "filename",
        "ticket",
        "content_type",
        "size",
        "is_internal",
        "uploaded_by",
        "created_at",
    )
    list_filter = ("content_type", "is_internal")
    search_fields = ("filename", "ticket__reference")
    list_select_related = ("ticket", "uploaded_by")
    readonly_fields = ("token", "file", "size", "content_type")


@admin.register(Rating)
class RatingAdmin(admin.ModelAdmin):
    list_display = ("ticket", "score", "rated_by", "created_at")
    list_filter = ("score",)
    search_fields = ("ticket__reference", "comment")
    list_select_related = ("ticket", "rated_by")
