"""The robots in the Django admin: URL and secret write-only; deliveries browsable, re-sendable."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import RobotMessage, RobotTarget
from .vendors import validate_url


class RobotTargetAdminForm(forms.ModelForm):
    """The stored URL and secret are never sent back to the browser; empty keeps them."""

    url = forms.CharField(
        label=_("webhook URL"),
        max_length=500,
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )
    secret = forms.CharField(
        label=_("signing secret"),
        max_length=200,
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )

    class Meta:
        model = RobotTarget
        fields = [
            "team",
            "name",
            "vendor",
            "url",
            "secret",
            "language",
            "on_urgent_ticket",
            "on_sla_warning",
            "on_sla_breach",
            "on_complaint",
            "on_low_rating",
            "is_active",
        ]

    def clean(self):
        data = super().clean()
        # An empty field keeps the stored URL, which is checked again: the kind may have changed.
        url = (data.get("url") or "").strip() or self.instance.url
        if not url:
            self.add_error("url", _("Enter the robot's webhook URL."))
        else:
            try:
                data["url"] = validate_url(data.get("vendor", ""), url)
            except ValidationError as exc:
                self.add_error("url", exc)
        data["secret"] = (data.get("secret") or "").strip() or self.instance.secret
        return data


@admin.register(RobotTarget)
class RobotTargetAdmin(admin.ModelAdmin):
    form = RobotTargetAdminForm
    list_display = ("name", "team", "vendor", "url_hint", "language", "is_active", "updated_at")
    list_filter = ("vendor", "is_active")
    search_fields = ("name", "team__name")
    list_select_related = ("team",)
    autocomplete_fields = ("team",)

    @admin.display(description=_("webhook URL"))
    def url_hint(self, obj):
        return obj.url_hint


@admin.register(RobotMessage)
class RobotMessageAdmin(admin.ModelAdmin):
    """Deliveries, for the admins: state, attempts, last error; failed ones can be re-queued."""

    list_display = (
        "created_at",
        "target",
        "event",
        "state_label",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "error_label",
    )
    list_filter = ("event", ("sent_at", admin.EmptyFieldListFilter), "target__vendor")
    list_select_related = ("target__team",)
    search_fields = ("target__name", "target__team__name", "key")
    date_hierarchy = "created_at"
    actions = ["send_again"]
    readonly_fields = [f.name for f in RobotMessage._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("last error"))
    def error_label(self, obj):
        return obj.error_text

    @admin.display(description=_("state"))
    def state_label(self, obj):
        return obj.get_state_display()

    @admin.action(description=_("Send the selected undelivered messages again"))
    def send_again(self, request, queryset):
        from .services import robot_messages_retry

        count = robot_messages_retry(messages=queryset, now=timezone.now())
        self.message_user(
            request,
            ngettext("%(count)d message queued again.", "%(count)d messages queued again.", count)
            % {"count": count},
            messages.SUCCESS,
        )
