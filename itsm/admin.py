from django.contrib import admin

from .models import Heartbeat, OutboundEmail


@admin.register(Heartbeat)
class HeartbeatAdmin(admin.ModelAdmin):
    list_display = ("name", "beat_at")


@admin.register(OutboundEmail)
class OutboundEmailAdmin(admin.ModelAdmin):
    list_display = (
        "to",
        "subject",
        "created_at",
        "attempted_at",
        "sent_at",
        "attempts",
        "last_error",
    )
    list_filter = ("sent_at",)
    search_fields = ("to", "subject", "message_id")
    readonly_fields = ("message_id", "attempted_at", "next_attempt_at", "sent_at", "attempts")
