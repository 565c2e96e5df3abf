"""API shapes of tickets."""

from rest_framework import serializers

from clients.models import ServiceCategory, Site

from .models import Impact, Ticket, Urgency


class TicketSerializer(serializers.ModelSerializer):
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    requester = serializers.CharField(source="requester.username", read_only=True)
    assignee = serializers.CharField(source="assignee.username", read_only=True, default=None)
    client = serializers.CharField(source="client.code", read_only=True)

    class Meta:
        model = Ticket
        fields = [
            "id",
            "reference",
            "client",
            "site",
            "requester",
            "channel",
            "category",
            "impact",
            "urgency",
            "priority",
            "subject",
            "description",
            "status",
            "status_display",
            "assignee",
            "team",
            "version",
            "created_at",
            "updated_at",
            "resolved_at",
            "closed_at",
            "sla_due_at",
        ]
        read_only_fields = fields


class TicketCreateSerializer(serializers.Serializer):
    subject = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=20000)
    site = serializers.PrimaryKeyRelatedField(queryset=Site.objects.none(), required=False)
    category = serializers.PrimaryKeyRelatedField(
        queryset=ServiceCategory.objects.filter(is_active=True), required=False
    )
    impact = serializers.ChoiceField(choices=Impact.choices, required=False)
    urgency = serializers.ChoiceField(choices=Urgency.choices, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["site"].queryset = Site.objects.visible_to(request.user)
