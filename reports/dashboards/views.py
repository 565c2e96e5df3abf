"""Pages of the dashboards: the client dashboard, its CSV downloads, the provider overview."""

from urllib.parse import urlencode

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views import View

from audit.models import AuditEvent
from audit.services import audit_record

from .overview import (
    RISK_CSAT_WEIGHT,
    RISK_OPEN_OVERDUE_CAP,
    RISK_VIA_CLIENT_CAP,
    RISK_VIA_CLIENT_WEIGHT,
    RISK_WORSENING_PENALTY,
    RISK_WORSENING_POINTS,
    provider_overview_for,
)
from .periods import DEFAULT_PERIOD, PERIOD_CHOICES, PeriodError, parse_period
from .sections import client_dashboard
from .selectors import (
    client_today,
    dashboard_client_get_for,
    dashboard_clients_for,
    dashboard_data_for,
)
from .tables import dashboard_tables

KEPT_PARAMS = ("client", "period", "from", "to")


def kept_query(params, **override) -> str:
    values = {k: params.get(k) for k in KEPT_PARAMS if params.get(k)} | override
    return urlencode({k: v for k, v in values.items() if v})


def dashboard_for_request(request) -> tuple[object, dict]:
    """(client, dashboard data) for the request's client and period; PeriodError on a bad one."""
    client = dashboard_client_get_for(user=request.user, client_id=request.GET.get("client"))
    now = timezone.now()
    period = parse_period(request.GET, today=client_today(client, now))
    data = dashboard_data_for(user=request.user, client=client, period=period, now=now)
    return client, client_dashboard(data)


class ClientDashboardView(LoginRequiredMixin, View):
    template_name = "dashboards/client_dashboard.html"

    def get(self, request):
        context = {
            "periods": PERIOD_CHOICES.items(),
            "params": {k: request.GET.get(k, "") for k in KEPT_PARAMS},
            "current_period": request.GET.get("period") or DEFAULT_PERIOD,
        }
        try:
            client, dashboard = dashboard_for_request(request)
        except PeriodError as exc:
            client = dashboard_client_get_for(
                user=request.user, client_id=request.GET.get("client")
            )
            context |= {"client": client, "error": str(exc)}
            context["clients"] = dashboard_clients_for(user=request.user)
            return render(request, self.template_name, context, status=400)
        tables = dashboard_tables(dashboard)
        for table in tables.values():
            table.chart = mark_safe(table.chart)  # noqa: S308 - built escaped in charts.py
        context |= {
            "client": client,
            "clients": dashboard_clients_for(user=request.user),
            "dashboard": dashboard,
            "sections": list(dashboard["sections"].items()),
            "tables": tables,
            "query": kept_query(request.GET, client=str(client.pk)),
        }
        return render(request, self.template_name, context)


class DashboardCsvView(LoginRequiredMixin, View):
    """The numbers of one chart or table as CSV, for the same client and period as the page."""

    def get(self, request, table):
        try:
            client, dashboard = dashboard_for_request(request)
        except PeriodError as exc:
            return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
        tables = dashboard_tables(dashboard)
        if table not in tables:
            raise Http404(_("No such table."))
        period = dashboard["period"]
        audit_record(
            actor=request.user,
            action=AuditEvent.Action.DASHBOARD_EXPORT,
            subject_user=request.user,
            client=client,
            request=request,
            changes={"table": table, "start": str(period["start"]), "end": str(period["end"])},
        )
        response = HttpResponse(tables[table].as_csv(), content_type="text/csv; charset=utf-8")
        name = f"{client.code}-{table}-{period['start']}-{period['end']}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class ProviderOverviewView(LoginRequiredMixin, View):
    template_name = "dashboards/provider_overview.html"

    def get(self, request):
        if not request.user.is_provider_staff:
            raise PermissionDenied(_("The overview of all clients is for the service desk."))
        context = {
            "periods": PERIOD_CHOICES.items(),
            "params": {k: request.GET.get(k, "") for k in KEPT_PARAMS},
            "current_period": request.GET.get("period") or DEFAULT_PERIOD,
            "risk": {
                "csat_weight": RISK_CSAT_WEIGHT,
                "overdue_cap": RISK_OPEN_OVERDUE_CAP,
                "worsening_points": RISK_WORSENING_POINTS,
                "worsening_penalty": RISK_WORSENING_PENALTY,
                "via_client_weight": RISK_VIA_CLIENT_WEIGHT,
                "via_client_cap": RISK_VIA_CLIENT_CAP,
            },
        }
        now = timezone.now()
        try:
            period = parse_period(request.GET, today=timezone.localdate(now))
        except PeriodError as exc:
            context["error"] = str(exc)
            return render(request, self.template_name, context, status=400)
        context |= {
            "period": period,
            "rows": provider_overview_for(user=request.user, period=period, now=now),
            "query": kept_query(request.GET, client=""),
        }
        return render(request, self.template_name, context)
