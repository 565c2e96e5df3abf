"""Invitation pages (invite, accept) and the personal API tokens page."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.i18n import set_language

from itsm.exceptions import ApplicationError
from itsm.tenancy import Role

from . import selectors, services, twofactor
from .forms import ApiTokenForm, InvitationAcceptForm, InvitationForm
from .language import language_cookie_set
from .models import Invitation


def language_switch(request):
    """Django's switcher (cookie, redirect to `next`), and for a signed-in person the choice is
    stored on them: the next sign-in, on any device, starts in it."""
    response = set_language(request)
    language = request.POST.get("language", "") if request.method == "POST" else ""
    if request.user.is_authenticated and language in dict(settings.LANGUAGES):
        services.user_language_set(actor=request.user, language=language)
    return response


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

    def dispatch(self, request, *args, **kwargs):
        # The invitee sees the page in the language the inviter chose for them (their cookie
        # does not exist yet); once signed in, their stored language applies.
        invitation = selectors.invitation_get_usable(token=kwargs.get("token", ""))
        if invitation is None:
            return super().dispatch(request, *args, **kwargs)
        with translation.override(invitation.language):
            request.LANGUAGE_CODE = invitation.language
            response = super().dispatch(request, *args, **kwargs)
            if hasattr(response, "render"):
                response.render()
        response.headers["Content-Language"] = invitation.language
        return response

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
                return language_cookie_set(redirect("home"), user.language)
        return render(
            request,
            self.template_name,
            {"form": form, "invitation": invitation},
            status=400 if invitation else 404,
        )


class SecondFactorRequiredMixin(LoginRequiredMixin):
    """Staff who sign in with two factors reach this page only from a session that used them."""

    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if (
            user.is_authenticated
            and twofactor.needs_second_factor(user)
            and not twofactor.session_passed_second_factor(request)
        ):
            return render(request, "clients/second_factor_required.html", status=403)
        return super().dispatch(request, *args, **kwargs)


@method_decorator(never_cache, name="dispatch")
class ApiTokenListView(SecondFactorRequiredMixin, View):
    """The person's API tokens: create one (its key is shown on this answer only), revoke."""

    template_name = "clients/apitoken_list.html"

    def _render(self, form, *, key=None, status=200):
        tokens = selectors.api_token_list_for(user=self.request.user)
        return render(
            self.request,
            self.template_name,
            {"form": form, "tokens": tokens, "new_key": key},
            status=status,
        )

    def get(self, request):
        return self._render(ApiTokenForm())

    def post(self, request):
        form = ApiTokenForm(request.POST)
        if form.is_valid():
            try:
                _token, key = services.api_token_create(
                    actor=request.user, name=form.cleaned_data["name"]
                )
            except ApplicationError as exc:
                form.add_error("name", exc.message)
            else:
                return self._render(ApiTokenForm(), key=key)
        return self._render(form, status=400)


class ApiTokenRevokeView(SecondFactorRequiredMixin, View):
    def post(self, request, pk):
        token = selectors.api_token_get_for(user=request.user, token_id=pk)
        services.api_token_revoke(actor=request.user, token=token)
        messages.success(request, _("Token “%(name)s” revoked.") % {"name": token.name})
        return redirect("clients:token-list")
