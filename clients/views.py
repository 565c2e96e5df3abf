"""Invitation pages: invite (admins, client managers) and accept (the invited person)."""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from itsm.exceptions import ApplicationError
from itsm.tenancy import Role

from . import selectors, services
from .forms import InvitationAcceptForm, InvitationForm
from .models import Invitation


class InvitationCreateView(LoginRequiredMixin, UserPassesTestMixin, View):
    template_name = "clients/invitation_form.html"

    def test_func(self):
        user = self.request.user
        return user.is_admin_role or user.role == Role.CLIENT_MANAGER

    def _render(self, form, status=200):
        pending = (
            Invitation.objects.visible_to(self.request.user)
            .pending()
            .select_related("client", "site")[:50]
        )
        return render(
            self.request, self.template_name, {"form": form, "pending": pending}, status=status
        )

    def get(self, request):
        return self._render(InvitationForm(user=request.user))

    def post(self, request):
        form = InvitationForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                invitation = services.invitation_create(
                    actor=request.user,
                    base_url=request.build_absolute_uri("/")[:-1],
                    **form.cleaned_data,
                )
            except (ApplicationError, PermissionDenied) as exc:
                form.add_error(None, str(getattr(exc, "message", exc)))
            else:
                messages.success(
                    request, _("Invitation sent to %(email)s.") % {"email": invitation.email}
                )
                return redirect("clients:invitation-create")
        return self._render(form, status=400)


class InvitationAcceptView(View):
    template_name = "clients/invitation_accept.html"

    def get(self, request, token):
        invitation = selectors.invitation_get_usable(token=token)
        return render(
            request,
            self.template_name,
            {"form": InvitationAcceptForm(), "invitation": invitation},
            status=200 if invitation else 404,
        )

    def post(self, request, token):
        invitation = selectors.invitation_get_usable(token=token)
        form = InvitationAcceptForm(request.POST)
        if invitation and form.is_valid():
            data = form.cleaned_data
            try:
                user = services.invitation_accept(
                    token=token,
                    username=data["username"],
                    password=data["password1"],
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                )
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            except ValidationError as exc:
                form.add_error("password1", exc.messages)
            else:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                messages.success(request, _("Welcome! Your account is ready."))
                return redirect("home")
        return render(
            request,
            self.template_name,
            {"form": form, "invitation": invitation},
            status=400 if invitation else 404,
        )
