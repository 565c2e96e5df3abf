"""Reports in the admin: read-only (every change goes through the services and their trail)."""

from django.contrib import admin

from reports import admin as reports_admin

from .models import MonthlyReport, ReportAction


class ReadOnlyAdmin(reports_admin.ReadOnlyAdmin):
    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(MonthlyReport)
class MonthlyReportAdmin(ReadOnlyAdmin):
    list_display = ("client", "period_start", "period_end", "version", "status", "sign_off")
    list_filter = ("status", "sign_off", "client")
    search_fields = ("client__name", "client__code")
    list_select_related = ("client",)
    # The files are downloaded from the report page (permission-checked), never linked here.
    exclude = ("pdf", "xlsx")


@admin.register(ReportAction)
class ReportActionAdmin(ReadOnlyAdmin):
    list_display = ("report", "kind", "actor", "created_at")
    list_filter = ("kind",)
    search_fields = ("comment", "report__client__name")
    list_select_related = ("report", "actor")
