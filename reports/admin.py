from django.contrib import admin

from .models import Notice


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    list_display = ("title", "client", "site", "published_at", "expires_at", "created_by")
    list_filter = ("client", "published_at")
    search_fields = ("title", "body")
    list_select_related = ("client", "site", "created_by")
    exclude = ("created_by",)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
