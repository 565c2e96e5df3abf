"""The robots page: a team's group robots, their deliveries, add / edit / test / switch off.

Provider staff only; each person sees the robots of the teams they may manage.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views import View

from itsm.exceptions import ApplicationError

from . import selectors, services
from .forms import RobotTargetForm


class StaffView(LoginRequiredMixin, View):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not request.user.is_provider_staff:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class RobotListView(StaffView):
    def get(self, request):
        user = request.user
        context = {
            "targets": selectors.robot_target_list_for(user=user),
            "problems": selectors.robot_problems_for(user=user),
            "can_add": selectors.manageable_teams(user=user).exists(),
        }
        return render(request, "robots/robot_list.html", context)


class RobotFormView(StaffView):
    template_name = "robots/robot_form.html"

    def _render(self, request, form, status=200):
        return render(
            request, self.template_name, {"form": form, "target": form.target}, status=status
        )

    def _form(self, request, target=None):
        teams = selectors.manageable_teams(user=request.user)
        data = request.POST if request.method == "POST" else None
        return RobotTargetForm(data, teams=teams, target=target)

    def _save(self, request, form):
        raise NotImplementedError

    def post(self, request, **kwargs):
        form = self._form(request, self._target(request, **kwargs))
        if not form.is_valid():
            return self._render(request, form, status=400)
        try:
            target = self._save(request, form)
        except (ApplicationError, PermissionDenied) as exc:
            form.add_error(None, str(getattr(exc, "message", "") or exc))
            return self._render(request, form, status=400)
        messages.success(request, _("Robot %(name)s was saved.") % {"name": target.name})
        return redirect("robots:robot-list")

    def get(self, request, **kwargs):
        return self._render(request, self._form(request, self._target(request, **kwargs)))

    def _target(self, request, **kwargs):
        return None


class RobotCreateView(RobotFormView):
    def _save(self, request, form):
        data = form.cleaned_data
        return services.robot_target_create(
            actor=request.user,
            team=data["team"],
            vendor=data["vendor"],
            url=data["url"],
            secret=data["secret"],
            **form.settings(),
        )


class RobotEditView(RobotFormView):
    def _target(self, request, target_id):
        return selectors.robot_target_get_for(user=request.user, target_id=target_id)

    def _save(self, request, form):
        data = form.cleaned_data
        return services.robot_target_update(
            actor=request.user,
            target=form.target,
            url=data["url"],
            secret=data["secret"],
            clear_secret=data.get("clear_secret", False),
            **form.settings(),
        )


class RobotTestView(StaffView):
    def post(self, request, target_id):
        target = selectors.robot_target_get_for(user=request.user, target_id=target_id)
        try:
            services.robot_target_test(actor=request.user, target=target)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("A test message to %(name)s is on its way; its delivery shows here.")
                % {"name": target.name},
            )
        return redirect("robots:robot-list")


class RobotToggleView(StaffView):
    """Switch a robot off (its waiting messages are given up when their turn comes) or on."""

    def post(self, request, target_id):
        target = selectors.robot_target_get_for(user=request.user, target_id=target_id)
        active = not target.is_active
        services.robot_target_set_active(actor=request.user, target=target, active=active)
        if active:
            messages.success(request, _("Robot %(name)s is on.") % {"name": target.name})
        else:
            messages.success(request, _("Robot %(name)s is off.") % {"name": target.name})
        return redirect("robots:robot-list")
