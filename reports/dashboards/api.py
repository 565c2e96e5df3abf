"""Dashboard figures as JSON under /api/v1/dashboards/, for a client's own BI.

Same clients, periods and breakdowns as the pages; errors are JSON ({"detail": ...}).
"""

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from itsm.exceptions import ApplicationError

from .overview import provider_overview_for
from .periods import PERIOD_CHOICES, PeriodError, parse_period
from .sections import client_dashboard
from .selectors import client_today, dashboard_client_get_for, dashboard_data_for
from .serializers import OverviewRowSerializer

PERIOD_PARAMETERS = [
    OpenApiParameter(
        "period", OpenApiTypes.STR, enum=list(PERIOD_CHOICES), description="default this_month"
    ),
    OpenApiParameter("from", OpenApiTypes.DATE, description="first day (period=custom)"),
    OpenApiParameter("to", OpenApiTypes.DATE, description="last day, inclusive (period=custom)"),
]

PERIOD_OBJECT = inline_serializer(
    "DashboardPeriod",
    {
        "key": serializers.CharField(),
        "start": serializers.DateField(),
        "end": serializers.DateField(),
    },
)


class ClientDashboardAPIView(APIView):
    """The client dashboard: SLA, volume, satisfaction, complaints and fairness sections."""

    @extend_schema(
        summary="Dashboard figures of one client for a period",
        parameters=[
            OpenApiParameter(
                "client",
                OpenApiTypes.INT,
                description="client id; a client manager may only name their own (default)",
            ),
            *PERIOD_PARAMETERS,
        ],
        responses=inline_serializer(
            "ClientDashboard",
            {
                "client": inline_serializer(
                    "DashboardClient",
                    {
                        "id": serializers.IntegerField(),
                        "name": serializers.CharField(),
                        "code": serializers.CharField(),
                        "time_zone": serializers.CharField(),
                    },
                ),
                "period": PERIOD_OBJECT,
                "previous_period": PERIOD_OBJECT,
                "granularity": serializers.ChoiceField(["day", "week", "month"]),
                "sections": serializers.DictField(
                    help_text=(
                        "sla (figures, previous, trends, open_overdue, by tier/priority/site/"
                        "category, breaches), volume (figures, series, top_categories, top_sites),"
                        " satisfaction (figures incl. distribution and response_rate, "
                        "latest_comments, low_scores), fairness (overall, tiers, sites, rule)"
                    )
                ),
            },
        ),
    )
    def get(self, request):
        client = dashboard_client_get_for(user=request.user, client_id=request.GET.get("client"))
        now = timezone.now()
        try:
            period = parse_period(request.GET, today=client_today(client, now))
        except PeriodError as exc:
            raise ApplicationError(str(exc), {"code": "bad_period"}) from None
        data = dashboard_data_for(user=request.user, client=client, period=period, now=now)
        return Response(client_dashboard(data))


class ProviderOverviewAPIView(APIView):
    """Every client the caller serves, riskiest first (provider staff only)."""

    @extend_schema(
        summary="Provider overview: every served client's figures, by risk",
        parameters=PERIOD_PARAMETERS,
        responses=inline_serializer(
            "ProviderOverview",
            {"period": PERIOD_OBJECT, "clients": OverviewRowSerializer(many=True)},
        ),
    )
    def get(self, request):
        if not request.user.is_provider_staff:
            raise PermissionDenied(_("The overview of all clients is for the service desk."))
        now = timezone.now()
        try:
            period = parse_period(request.GET, today=timezone.localdate(now))
        except PeriodError as exc:
            raise ApplicationError(str(exc), {"code": "bad_period"}) from None
        rows = provider_overview_for(user=request.user, period=period, now=now)
        return Response({"period": period.as_dict(), "clients": rows})
