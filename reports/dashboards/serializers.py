"""Response shapes of the dashboards API, for the OpenAPI schema."""

from rest_framework import serializers


class TrendSerializer(serializers.Serializer):
    arrow = serializers.CharField(help_text="↑, ↓, → or empty when a period has no figure")
    delta = serializers.FloatField(allow_null=True)
    good = serializers.BooleanField(allow_null=True)


class OverviewRowSerializer(serializers.Serializer):
    client_id = serializers.IntegerField()
    name = serializers.CharField()
    code = serializers.CharField()
    active = serializers.BooleanField()
    opened = serializers.IntegerField()
    resolved = serializers.IntegerField()
    compliance = serializers.FloatField(allow_null=True, help_text="SLA compliance, percent")
    compliance_trend = TrendSerializer()
    breaches = serializers.IntegerField()
    csat = serializers.FloatField(allow_null=True, help_text="average score 1-5")
    csat_trend = TrendSerializer()
    rated = serializers.IntegerField()
    response_rate = serializers.FloatField(
        allow_null=True, help_text="rating requests answered / sent, percent"
    )
    response_rate_trend = TrendSerializer()
    open_overdue = serializers.IntegerField(help_text="open tickets past their SLA due now")
    complaints = serializers.IntegerField(help_text="complaints logged in the period")
    complaints_via_client = serializers.IntegerField(
        help_text="of which received via the client (counted in the risk score)"
    )
    risk = serializers.FloatField(help_text="see the README: higher means look first")
    dashboard_url = serializers.CharField()
