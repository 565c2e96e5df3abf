"""Admin for calendars, tiers, assignments, escalation rules and (read-only) clocks."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import BaseInlineFormSet
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from clients.models import Client
from tickets.models import Priority

from .day_files import MAX_FILE_BYTES, DayFileError, parse_day_file
from .models import (
    BusinessCalendar,
    CalendarDay,
    EscalationRule,
    HeldNotification,
    OfficialDaysReminder,
    RetargetJob,
    RuleFiring,
    ServiceTier,
    SlaClock,
    TierAssignment,
    TierTarget,
)
from .official import day_file_diff
from .services import (
    calendar_days_import,
    calendar_retarget_queue,
    client_retarget_queue,
    tier_retarget_queue,
)


class CalendarDayInline(admin.TabularInline):
    """Recent and future days only: built-in calendars hold two decades of official days."""

    model = CalendarDay
    verbose_name_plural = gettext_lazy("holidays and make-up working days (since last year)")
    extra = 1
    ordering = ["date"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(date__year__gte=timezone.localdate().year - 1)


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ("date", "calendar", "kind", "name")
    list_filter = ("calendar", "kind")
    search_fields = ("name", "calendar__code")
    date_hierarchy = "date"
    list_select_related = ("calendar",)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        _calendar_changed(request, obj.calendar)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        _calendar_changed(request, obj.calendar)

    def delete_queryset(self, request, queryset):
        calendars = {day.calendar for day in queryset.select_related("calendar")}
        super().delete_queryset(request, queryset)
        for calendar in calendars:
            _calendar_changed(request, calendar)


def _calendar_changed(request, calendar: BusinessCalendar) -> None:
    # Bump updated_at so every process rebuilds its spec, then move the open tickets' dues.
    calendar.save(update_fields=["updated_at"])
    _queued(request, calendar_retarget_queue(calendar=calendar))


def _queued(request, job: RetargetJob) -> None:
    """Tell the admin the open tickets are re-targeted in the background, with a link to follow."""
    link = reverse("admin:sla_retargetjob_change", args=[job.pk])
    messages.info(
        request,
        format_html(
            '{} <a href="{}">{}</a>',
            _("Open tickets are being re-targeted in the background (%(reason)s).")
            % {"reason": job.reason},
            link,
            _("Follow its progress"),
        ),
    )


class DayFileForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSV or iCalendar (.ics) file"),
        required=False,
        help_text=gettext_lazy(
            "CSV: one day a line, date,holiday|workday[,name] (休/班 work too). "
            "ICS: all-day events; a summary with 班 or “workday” marks a make-up working day."
        ),
    )
    # The confirmed file's text travels back with the "apply" button; it is parsed again.
    content = forms.CharField(required=False, widget=forms.HiddenInput, max_length=MAX_FILE_BYTES)


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "name",
        "time_zone",
        "uses_official_days",
        "mon",
        "sat",
        "sun",
        "updated_at",
    )
    list_filter = ("time_zone", "uses_official_days")
    search_fields = ("code", "name")
    inlines = [CalendarDayInline]
    readonly_fields = ("import_days_link",)

    @admin.display(description=gettext_lazy("import days"))
    def import_days_link(self, calendar):
        if not calendar.pk:
            return "—"
        url = reverse("admin:sla_businesscalendar_import_days", args=[calendar.pk])
        return format_html('<a href="{}">{}</a>', url, _("Import holidays from a file…"))

    def get_urls(self):
        view = self.admin_site.admin_view(self.import_days_view)
        return [
            path("<id:object_id>/import-days/", view, name="sla_businesscalendar_import_days"),
            *super().get_urls(),
        ]

    def import_days_view(self, request, object_id):
        """Upload a CSV/ICS file, see what it changes, then apply (re-targets open tickets)."""
        calendar = self.get_object(request, str(object_id))
        if calendar is None:
            raise Http404
        if not self.has_change_permission(request, calendar):
            raise PermissionDenied
        form = DayFileForm(request.POST or None, request.FILES or None)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "calendar": calendar,
            "form": form,
            "title": _("Import holidays into %(calendar)s") % {"calendar": calendar.name},
        }
        status = 200
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            raw = upload.read(MAX_FILE_BYTES + 1) if upload else None
            raw = raw if raw is not None else form.cleaned_data["content"].encode("utf-8")
            try:
                rows = parse_day_file(raw, upload.name if upload else "")
            except DayFileError as exc:
                context["problems"], status = exc.problems, 400
            else:
                if "apply" in request.POST and not upload:
                    diff, job = calendar_days_import(
                        actor=request.user, calendar=calendar, rows=rows
                    )
                    messages.success(
                        request,
                        _("%(added)s days added, %(changed)s changed.")
                        % {"added": len(diff.added), "changed": len(diff.changed)},
                    )
                    if job:
                        _queued(request, job)
                    return redirect("admin:sla_businesscalendar_change", calendar.pk)
                context["diff"] = day_file_diff(calendar=calendar, rows=rows)
                context["content"] = raw.decode("utf-8-sig")
        elif request.method == "POST":
            status = 400
        return TemplateResponse(request, "admin/sla/import_days.html", context, status=status)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if change:  # days are saved after the calendar row
            _calendar_changed(request, form.instance)


class TierTargetFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        present = {
            form.cleaned_data["priority"]
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        }
        missing = [f"P{priority}" for priority in Priority.values if priority not in present]
        if missing:
            raise ValidationError(
                _(
                    "Every tier needs response and resolution targets for P1, P2, P3 and P4; "
                    "missing: %(missing)s."
                )
                % {"missing": ", ".join(missing)}
            )


class TierTargetInline(admin.TabularInline):
    model = TierTarget
    formset = TierTargetFormSet
    extra = 0
    min_num = len(Priority.values)
    max_num = len(Priority.values)


@admin.register(ServiceTier)
class ServiceTierAdmin(admin.ModelAdmin):
    list_display = ("name", "rank", "calendar", "warning_percent", "is_default")
    list_filter = ("calendar", "is_default")
    search_fields = ("name", "description")
    list_select_related = ("calendar",)
    inlines = [TierTargetInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if change:
            _queued(request, tier_retarget_queue(tier=form.instance))


@admin.register(TierTarget)
class TierTargetAdmin(admin.ModelAdmin):
    """All targets side by side; the tier's page edits them as a complete set."""

    list_display = ("tier", "priority", "response_minutes", "resolution_minutes")
    list_filter = ("tier", "priority")
    search_fields = ("tier__name",)
    list_select_related = ("tier",)

    def has_delete_permission(self, request, obj=None):
        return False  # a tier must keep all four priorities; its own page checks that

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        _queued(request, tier_retarget_queue(tier=obj.tier))


@admin.register(TierAssignment)
class TierAssignmentAdmin(admin.ModelAdmin):
    list_display = ("client", "site", "user", "tier")
    list_filter = ("tier", "client")
    search_fields = ("client__name", "client__code", "site__name", "user__username")
    list_select_related = ("client", "site", "user", "tier")
    raw_id_fields = ("user",)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        previous = form.initial.get("client")
        if change and previous and previous != obj.client_id:
            _queued(request, client_retarget_queue(client=Client.objects.get(pk=previous)))
        _queued(request, client_retarget_queue(client=obj.client))

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        _queued(request, client_retarget_queue(client=obj.client))

    def delete_queryset(self, request, queryset):
        clients = {assignment.client for assignment in queryset.select_related("client")}
        super().delete_queryset(request, queryset)
        for client in clients:
            _queued(request, client_retarget_queue(client=client))


@admin.register(EscalationRule)
class EscalationRuleAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "is_active",
        "clock_kind",
        "trigger",
        "percent",
        "tier",
        "priority",
        "action",
        "deliver",
    )
    list_filter = ("is_active", "clock_kind", "trigger", "action", "deliver", "tier", "priority")
    search_fields = ("name", "address")
    list_select_related = ("tier",)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows the SLA engine writes; editing them by hand would falsify the record."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(SlaClock)
class SlaClockAdmin(ReadOnlyAdmin):
    list_display = (
        "ticket",
        "kind",
        "tier_name",
        "target_minutes",
        "started_at",
        "due_at",
        "paused_since",
        "stopped_at",
        "met",
        "warned_at",
        "breached_at",
    )
    list_filter = ("kind", "met", "tier_name", "calendar", "client")
    search_fields = ("ticket__reference", "ticket__subject", "tier_name")
    list_select_related = ("ticket",)
    date_hierarchy = "started_at"


@admin.register(RuleFiring)
class RuleFiringAdmin(ReadOnlyAdmin):
    list_display = ("rule", "clock", "trigger_at", "fired_at")
    list_filter = ("rule", "client")
    search_fields = ("rule__name", "clock__ticket__reference")
    list_select_related = ("rule", "clock")


@admin.register(HeldNotification)
class HeldNotificationAdmin(ReadOnlyAdmin):
    list_display = ("firing", "recipient", "address", "send_after", "sent_at")
    list_filter = (("sent_at", admin.EmptyFieldListFilter), "client")
    search_fields = ("address", "recipient__username", "firing__rule__name")
    list_select_related = ("firing__rule", "firing__clock", "recipient")


@admin.register(RetargetJob)
class RetargetJobAdmin(ReadOnlyAdmin):
    list_display = ("reason", "status", "progress", "retargeted", "created_at", "finished_at")
    list_filter = ("status", "scope")
    search_fields = ("reason",)

    @admin.display(description=gettext_lazy("progress"))
    def progress(self, job: RetargetJob) -> str:
        if job.total is None:
            return "–"
        return f"{job.done} / {job.total}"


@admin.register(OfficialDaysReminder)
class OfficialDaysReminderAdmin(admin.ModelAdmin):
    """Read-only: the weeks in which admins were reminded of missing official days."""

    list_display = ("week", "sent_at", "missing")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
