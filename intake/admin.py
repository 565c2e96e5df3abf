from django.contrib import admin

from .models import ClientEmailDomain, InboundEmail


@admin.register(ClientEmailDomain)
class ClientEmailDomainAdmin(admin.ModelAdmin):
    list_display = ("domain", "client")
    list_select_related = ("client",)
    search_fields = ("domain", "client__name")


@admin.register(InboundEmail)
class InboundEmailAdmin(admin.ModelAdmin):
    """Read-only: what arrived is evidence; staff act on it in the triage pages."""

    list_display = ("received_at", "from_address", "subject", "client", "status", "reason")
    list_filter = ("status",)
    list_select_related = ("client",)
    search_fields = ("from_address", "subject", "message_id")
    exclude = ("raw",)
    readonly_fields = ("headers_text",)

    def get_queryset(self, request):
        return super().get_queryset(request).defer("raw", "text")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
