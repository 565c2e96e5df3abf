"""Admin for clients, sites, agreements, people and teams."""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import (
    ApiToken,
    Client,
    Invitation,
    ServiceAgreement,
    ServiceCategory,
    Site,
    Team,
    User,
)


class SiteInline(admin.TabularInline):
    model = Site
    extra = 0


@admin.register(Client)
class ClientAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "status", "contract_start", "contract_end", "time_zone")
    list_filter = ("status", "time_zone")
    search_fields = ("name", "code")
    inlines = [SiteInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if "status" in form.changed_data and not obj.is_active:
            # Suspension ends API tokens for good; resuming service does not revive them.
            services.api_tokens_revoke_all(client=obj, because=ApiToken.RevokedBecause.SUSPENDED)


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ("name", "client", "code", "is_active")
    list_filter = ("client", "is_active")
    search_fields = ("name", "code", "address")
    list_select_related = ("client",)


@admin.register(ServiceCategory)
class ServiceCategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name_zh", "name_en", "is_active")
    list_filter = ("is_active",)
    search_fields = ("code", "name_zh", "name_en")


@admin.register(ServiceAgreement)
class ServiceAgreementAdmin(admin.ModelAdmin):
    list_display = ("name", "client", "start_date", "end_date", "contact_name")
    list_filter = ("client",)
    search_fields = ("name", "contact_name", "contact_email")
    filter_horizontal = ("categories",)
    list_select_related = ("client",)


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = (
        "username",
        "email",
        "first_name",
        "last_name",
        "role",
        "client",
        "site",
        "is_active",
    )
    list_filter = ("role", "client", "is_site_lead", "is_active", "language")
    search_fields = ("username", "email", "first_name", "last_name", "phone")
    list_select_related = ("client", "site")
    fieldsets = BaseUserAdmin.fieldsets + (
        (_("Service"), {"fields": ("role", "client", "site", "is_site_lead", "phone", "language")}),
    )
    add_fieldsets = BaseUserAdmin.add_fieldsets + (
        (_("Service"), {"fields": ("email", "role", "client", "site", "language")}),
    )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            services.api_tokens_revoke_all(user=obj, because=ApiToken.RevokedBecause.SUSPENDED)


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ("name", "lead", "email")
    search_fields = ("name", "email")
    filter_horizontal = ("members", "clients")
    list_filter = ("clients",)
    list_select_related = ("lead",)


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = (
        "email",
        "client",
        "role",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_at",
    )
    list_filter = ("role", "client")
    search_fields = ("email",)
    list_select_related = ("client", "invited_by")
    readonly_fields = ("token", "accepted_at", "accepted_user")


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are created by their owners; here administrators see and revoke them."""

    list_display = ("name", "user", "key_start", "created_at", "last_used_at", "revoked_at")
    list_filter = ("revoked_because",)
    search_fields = ("name", "user__username", "user__email", "key_start")
    list_select_related = ("user",)
    readonly_fields = (
        "user",
        "name",
        "key_start",
        "created_at",
        "last_used_at",
        "revoked_at",
        "revoked_because",
    )
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # Revoked rows stay: they tell who had access until when.
        return False

    def has_revoke_permission(self, request):
        return request.user.is_admin_role

    @admin.action(description=_("Revoke selected tokens"), permissions=["revoke"])
    def revoke(self, request, queryset):
        count = 0
        for token in queryset.filter(revoked_at__isnull=True):
            services.api_token_revoke(actor=request.user, token=token)
            count += 1
        self.message_user(
            request,
            ngettext("%(count)d token revoked.", "%(count)d tokens revoked.", count)
            % {"count": count},
            messages.SUCCESS,
        )
