from django.contrib import admin

from tickets.admin import ViewOnlyAdmin

from .models import Notification, NotificationPreference, TeamNotificationSetting


@admin.register(Notification)
class NotificationAdmin(ViewOnlyAdmin):
    """Browsable for support questions ("was I told?"); written only by the services."""

    list_display = ("recipient", "kind", "ticket", "client", "created_at", "read_at")
    list_filter = ("kind",)
    search_fields = ("ticket__reference", "recipient__username")
    list_select_related = ("recipient", "ticket", "client")
    date_hierarchy = "created_at"


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(admin.ModelAdmin):
    list_display = (
        "user",
        "email_new_urgent",
        "email_new_other",
        "email_reply",
        "email_reopened",
        "email_assigned",
        "email_sla_warning",
    )
    list_select_related = ("user",)
    autocomplete_fields = ("user",)


@admin.register(TeamNotificationSetting)
class TeamNotificationSettingAdmin(admin.ModelAdmin):
    list_display = ("team", "new_low_priority")
    list_select_related = ("team",)
    autocomplete_fields = ("team",)
