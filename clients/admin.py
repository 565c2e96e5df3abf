"""Admin for clients, sites, agreements, people and teams."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import Client, Invitation, ServiceAgreement, ServiceCategory, Site, Team, User


class SiteInline(admin.TabularInline):
    model = Site
    extra = 0


@admin.register(Client)
class ClientAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "status", "contract_start", "contract_end", "time_zone")
    list_filter = ("status", "time_zone")
    search_fields = ("name", "code")
    inlines = [SiteInline]


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
