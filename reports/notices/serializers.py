"""API shapes of notices, their targets, read rates and receipts."""

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import Notice, NoticeReceipt, Severity
from . import selectors
from .services import TargetSpec


class NamedSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class TargetSerializer(serializers.Serializer):
    client = serializers.IntegerField(source="client_id")
    client_name = serializers.CharField(source="client.name")
    sites = NamedSerializer(many=True, source="sites.all", help_text="empty: every site")
    tiers = NamedSerializer(many=True, source="tiers.all", help_text="empty: every tier")


class ReadRateSerializer(serializers.Serializer):
    client = serializers.IntegerField(source="client_id")
    client_name = serializers.CharField()
    targeted = serializers.IntegerField()
    seen = serializers.IntegerField()
    acknowledged = serializers.IntegerField()


class ReceiptSerializer(serializers.ModelSerializer):
    client = serializers.IntegerField(source="client_id", read_only=True)
    user = serializers.CharField(source="user.username", read_only=True)
    user_name = serializers.CharField(source="user.display_name", read_only=True)
    site = serializers.CharField(
        source="user.site.name", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = NoticeReceipt
        fields = ["client", "user", "user_name", "site", "seen_at", "acknowledged_at"]
        read_only_fields = fields


class MyReceiptSerializer(serializers.ModelSerializer):
    class Meta:
        model = NoticeReceipt
        fields = ["seen_at", "acknowledged_at"]
        read_only_fields = fields


class NoticeSerializer(serializers.ModelSerializer):
    """`targets` and `read_rates` list only the viewer's clients (staff: each client they
    serve; a client manager: their own); `my_receipt` is the end user's own state."""

    requires_acknowledgement = serializers.BooleanField(
        source="needs_ack",
        read_only=True,
        help_text="readers must confirm (“Got it”): outages always, others when flagged",
    )
    targets = serializers.SerializerMethodField()
    read_rates = serializers.SerializerMethodField()
    my_receipt = serializers.SerializerMethodField()

    class Meta:
        model = Notice
        fields = [
            "id",
            "title",
            "body",
            "severity",
            "requires_acknowledgement",
            "published_at",
            "expires_at",
            "withdrawn_at",
            "created_at",
            "targets",
            "read_rates",
            "my_receipt",
        ]
        read_only_fields = fields

    def _summary(self, notice):
        return self.context.get("summaries", {}).get(notice.pk)

    def get_targets(self, notice) -> list[dict]:
        summary = self._summary(notice)
        return TargetSerializer(summary.targets, many=True).data if summary else []

    def get_read_rates(self, notice) -> list[dict]:
        summary = self._summary(notice)
        return ReadRateSerializer(summary.rates, many=True).data if summary else []

    def get_my_receipt(self, notice) -> dict | None:
        receipt = self.context.get("receipts", {}).get(notice.pk)
        return MyReceiptSerializer(receipt).data if receipt else None


@extend_schema_field(OpenApiTypes.INT)
class VisibleClientField(serializers.PrimaryKeyRelatedField):
    """Only clients the caller may address; another client's id reads as unknown."""

    def get_queryset(self):
        return selectors.publishable_clients_for(user=self.context["request"].user)


@extend_schema_field(OpenApiTypes.INT)
class VisibleSiteField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return selectors.publishable_sites_for(user=self.context["request"].user)


@extend_schema_field(OpenApiTypes.INT)
class TierField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return selectors.service_tiers()


class TargetInputSerializer(serializers.Serializer):
    client = VisibleClientField()
    sites = VisibleSiteField(many=True, required=False, help_text="empty: every site")
    tiers = TierField(many=True, required=False, help_text="empty: every tier")


class NoticeWriteSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    body = serializers.CharField(max_length=20000)
    severity = serializers.ChoiceField(choices=Severity.choices)
    requires_acknowledgement = serializers.BooleanField(source="requires_ack", default=False)
    published_at = serializers.DateTimeField(required=False, help_text="default: now")
    expires_at = serializers.DateTimeField(required=False, allow_null=True, default=None)
    email_targets = serializers.BooleanField(
        default=False, help_text="email each addressed end user in their language"
    )
    targets = TargetInputSerializer(many=True, allow_empty=False)

    def service_arguments(self) -> dict:
        data = dict(self.validated_data)
        data.setdefault("published_at", timezone.now())
        data["targets"] = [
            TargetSpec(client=t["client"], sites=t.get("sites", []), tiers=t.get("tiers", []))
            for t in data["targets"]
        ]
        return data
