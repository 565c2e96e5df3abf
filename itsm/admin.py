from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import Heartbeat, OutboundEmail

# The product's name, not "Django administration", in both languages.
admin.site.site_header = _("IT Service Desk administration")
admin.site.site_title = _("IT Service Desk")
admin.site.index_title = _("Configuration and records")


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
