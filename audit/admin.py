"""The audit log in the admin: read only. Nobody adds, changes or deletes audit rows here."""

from django.contrib import admin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("at", "action", "actor_label", "subject_user", "client", "ip")
    list_filter = ("action",)
    search_fields = ("actor_label", "subject_user__username")
    list_select_related = ("subject_user", "client")
    readonly_fields = (
        "at",
        "action",
        "actor",
        "actor_label",
        "subject_user",
        "client",
        "ip",
        "changes",
    )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
