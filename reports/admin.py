"""Notices are read here; they are written on the staff page, which targets, mails and
materialises receipts through reports.notices.services (an admin form would skip all three)."""

from django.contrib import admin

from .models import Notice, NoticeReceipt, NoticeTarget


class NoticeTargetInline(admin.TabularInline):
    model = NoticeTarget
    fields = ("client",)
    readonly_fields = ("client",)
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdmin):
    list_display = ("title", "severity", "published_at", "expires_at", "withdrawn_at", "created_by")
    list_filter = ("severity", "published_at")
    search_fields = ("title", "body")
    list_select_related = ("created_by",)
    inlines = [NoticeTargetInline]


@admin.register(NoticeTarget)
class NoticeTargetAdmin(ReadOnlyAdmin):
    list_display = ("notice", "client")
    list_filter = ("client",)
    search_fields = ("notice__title",)
    list_select_related = ("notice", "client")


@admin.register(NoticeReceipt)
class NoticeReceiptAdmin(ReadOnlyAdmin):
    list_display = ("notice", "client", "user", "seen_at", "acknowledged_at", "emailed_at")
    list_filter = ("client",)
    search_fields = ("notice__title", "user__username")
    list_select_related = ("notice", "client", "user")
