from django.urls import reverse
from rest_framework import serializers

from .models import Notification


class NotificationSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    ticket_reference = serializers.CharField(source="ticket.reference", read_only=True)
    ticket_subject = serializers.CharField(source="ticket.subject", read_only=True)
    ticket_priority = serializers.IntegerField(source="ticket.priority", read_only=True)
    actor = serializers.SerializerMethodField()
    ticket_url = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = [
            "id",
            "kind",
            "kind_label",
            "ticket",
            "ticket_reference",
            "ticket_subject",
            "ticket_priority",
            "actor",
            "ticket_url",
            "created_at",
            "read_at",
        ]
        read_only_fields = fields

    def get_actor(self, notification) -> str | None:
        return notification.actor.display_name if notification.actor else None

    def get_ticket_url(self, notification) -> str:
        return reverse("tickets:ticket-workspace", args=[notification.ticket_id])


class MarkedSerializer(serializers.Serializer):
    marked = serializers.IntegerField()
