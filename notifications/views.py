"""The notification centre: list, mark read (one / all), email preferences. Staff only."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View

from itsm.paging import page_of

from . import selectors, services
from .forms import PreferenceForm

PER_PAGE = 25


class StaffMixin(LoginRequiredMixin, UserPassesTestMixin):
    def test_func(self):
        return self.request.user.is_provider_staff


class NotificationListView(StaffMixin, View):
    def get(self, request):
        unread_only = request.GET.get("unread") == "1"
        rows = selectors.notification_list_for(user=request.user, unread_only=unread_only)
        page = page_of(rows, request.GET.get("page"), PER_PAGE)
        return render(
            request,
            "notifications/notification_list.html",
            {"page": page, "notifications": page.object_list, "unread_only": unread_only},
        )


class NotificationReadView(StaffMixin, View):
    """Mark one as read; with `open` in the form, go on to the ticket's workspace."""

    def post(self, request, notification_id):
        notification = selectors.notification_get_for(
            user=request.user, notification_id=notification_id
        )
        services.notification_mark_read(
            actor=request.user, notification=notification, now=timezone.now()
        )
        if "open" in request.POST:
            return redirect("tickets:ticket-workspace", notification.ticket_id)
        return redirect(reverse("notifications:notification-list"))


class NotificationReadAllView(StaffMixin, View):
    def post(self, request):
        marked = services.notifications_mark_all_read(actor=request.user, now=timezone.now())
        messages.success(
            request,
            ngettext(
                "%(count)d notification marked as read.",
                "%(count)d notifications marked as read.",
                marked,
            )
            % {"count": marked},
        )
        return redirect("notifications:notification-list")


class PreferenceView(StaffMixin, View):
    template = "notifications/preferences.html"

    def get(self, request):
        form = PreferenceForm(instance=services.preferences_for(user=request.user))
        return render(request, self.template, {"form": form})

    def post(self, request):
        form = PreferenceForm(request.POST)
        if not form.is_valid():
            return render(request, self.template, {"form": form}, status=400)
        services.preferences_save(actor=request.user, **form.cleaned_data)
        messages.success(request, _("Your notification preferences were saved."))
        return redirect("notifications:notification-preferences")
