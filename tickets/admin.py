"""Ticket admin, view only: changes go through the services (workspace, API) so the timeline,
the version and the SLA clocks follow every change; the admin would bypass all three."""

from django.contrib import admin

from .models import Attachment, PriorityRule, Rating, ReplyTemplate, Ticket, TicketEvent, TimeEntry


class ViewOnlyAdmin(admin.ModelAdmin):
    """Rows that are part of a ticket's record: browsable, never added, edited or deleted here."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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
class TicketAdmin(ViewOnlyAdmin):
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
    inlines = [EventInline]
    show_full_result_count = False  # no COUNT(*) over a million rows per page


@admin.register(TicketEvent)
class TicketEventAdmin(ViewOnlyAdmin):
    list_display = ("ticket", "kind", "actor", "is_internal", "created_at")
    list_filter = ("kind", "is_internal")
    search_fields = ("ticket__reference", "body")
    list_select_related = ("ticket", "actor")
    show_full_result_count = False


@admin.register(Attachment)
class AttachmentAdmin(ViewOnlyAdmin):
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


@admin.register(Rating)
class RatingAdmin(ViewOnlyAdmin):
    list_display = ("ticket", "score", "rated_by", "created_at")
    list_filter = ("score",)
    search_fields = ("ticket__reference", "comment")
    list_select_related = ("ticket", "rated_by")


@admin.register(TimeEntry)
class TimeEntryAdmin(ViewOnlyAdmin):
    list_display = ("ticket", "client", "agent", "minutes", "kind", "at")
    list_filter = ("kind", "client")
    search_fields = ("ticket__reference", "agent__username")
    list_select_related = ("ticket", "client", "agent")
    date_hierarchy = "at"


@admin.register(ReplyTemplate)
class ReplyTemplateAdmin(admin.ModelAdmin):
    """The provider's canned replies, per team; agents pick them in the workspace composer."""

    list_display = ("title", "team", "is_active")
    list_filter = ("team", "is_active")
    search_fields = ("title", "body")
    list_select_related = ("team",)
