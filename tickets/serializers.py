"""API shapes of tickets, their timeline, attachments and actions."""

import copy

from rest_framework import serializers

from clients.models import ServiceCategory, Site, Team, User
from itsm.fields import ApiIdField, ApiRowField

from .models import (
    Attachment,
    Impact,
    Priority,
    Rating,
    Status,
    Ticket,
    TicketEvent,
    TimeEntry,
    Urgency,
)


class PrebuiltFields:
    """A read-only ModelSerializer whose fields depend on the model only: built once per process
    instead of from the model's meta on every request (0.8 ms). Each instance gets shallow
    copies: binding sets a copy's own name and parent, and output never changes what the copies
    share (choices, validators), so the deep copy DRF makes (another 0.4 ms) buys nothing."""

    def get_fields(self):
        cls = type(self)
        built = cls.__dict__.get("_built_fields")
        if built is None:
            built = super().get_fields()
            if not all(field.read_only for field in built.values()):
                raise TypeError(f"{cls.__name__}: PrebuiltFields is for read-only serializers")
            cls._built_fields = built
        return {name: copy.copy(field) for name, field in built.items()}


class TicketSerializer(PrebuiltFields, serializers.ModelSerializer):
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    requester = serializers.CharField(source="requester.username", read_only=True)
    assignee = serializers.CharField(
        source="assignee.username", read_only=True, default=None, allow_null=True
    )
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
            "first_response_at",
            "resolved_at",
            "closed_at",
            "sla_due_at",
        ]
        read_only_fields = fields


class VisibleRows:
    """A related field choosing among the rows the requesting user may see.

    The queryset is a class attribute (it names the model for the schema) rather than an
    argument, so the copy of the field every serializer instance makes does not copy it, and
    the scoped queryset is built only when the field is in the request."""

    def get_queryset(self):
        request = self.context.get("request")
        if request is None:
            return super().get_queryset()
        return self.queryset.model.objects.visible_to(request.user)


class VisibleSiteField(VisibleRows, ApiRowField):
    queryset = Site.objects.none()


class VisibleUsernameField(VisibleRows, serializers.SlugRelatedField):
    queryset = User.objects.none()


class ActiveCategoryField(ApiRowField):
    queryset = ServiceCategory.objects.filter(is_active=True)


class TicketCreateSerializer(serializers.Serializer):
    subject = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=20000)
    site = VisibleSiteField(required=False)
    category = ActiveCategoryField(required=False)
    impact = serializers.ChoiceField(choices=Impact.choices, required=False)
    urgency = serializers.ChoiceField(choices=Urgency.choices, required=False)
    requester = VisibleUsernameField(
        slug_field="username",
        required=False,
        help_text="Staff filing on a user's behalf (phone call): the end user's username.",
    )


TIME_FIELDS_HELP = "Minutes spent (0-1440, staff only), recorded with the reply or note."


class TicketUpdateSerializer(serializers.Serializer):
    """All of the workspace's panel in one request, applied together or not at all."""

    version = ApiIdField(help_text="The version you read; a stale one is refused (409).")
    subject = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(max_length=20000, required=False)
    priority = serializers.ChoiceField(choices=Priority.choices, required=False)
    category = ApiRowField(
        queryset=ServiceCategory.objects.filter(is_active=True), required=False, allow_null=True
    )
    status = serializers.ChoiceField(choices=Status.choices, required=False)
    assignee = serializers.SlugRelatedField(
        slug_field="username", queryset=User.objects.none(), required=False
    )
    team = ApiRowField(queryset=Team.objects.all(), required=False)
    body = serializers.CharField(
        max_length=20000,
        required=False,
        allow_blank=True,
        help_text="Text for the timeline: a reply, or an internal note with internal=true.",
    )
    internal = serializers.BooleanField(default=False)
    minutes = serializers.IntegerField(
        min_value=0, max_value=24 * 60, required=False, help_text=TIME_FIELDS_HELP
    )
    time_kind = serializers.ChoiceField(choices=TimeEntry.Kind.choices, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["assignee"].queryset = User.objects.visible_to(request.user).agents()


class StatusChangeSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=Status.choices)
    version = ApiIdField(help_text="The version you read; a stale one is refused (409).")
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class AssignSerializer(serializers.Serializer):
    assignee = serializers.SlugRelatedField(
        slug_field="username", queryset=User.objects.none(), required=False
    )
    team = ApiRowField(queryset=Team.objects.all(), required=False)
    version = ApiIdField(help_text="The version you read; a stale one is refused (409).")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["assignee"].queryset = User.objects.visible_to(request.user).agents()


class AttachmentSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = [
            "id",
            "filename",
            "content_type",
            "size",
            "is_internal",
            "created_at",
            "download_url",
        ]
        read_only_fields = fields

    def get_download_url(self, obj) -> str:
        return f"/api/v1/attachments/{obj.pk}/download/"


class EventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(
        source="actor.username", read_only=True, default=None, allow_null=True
    )
    # System entries stored as facts are worded in the caller's language (Accept-Language).
    body = serializers.CharField(source="text", read_only=True)
    attachments = AttachmentSerializer(many=True, read_only=True)

    class Meta:
        model = TicketEvent
        fields = [
            "id",
            "kind",
            "actor",
            "is_internal",
            "body",
            "field",
            "old_value",
            "new_value",
            "created_at",
            "attachments",
        ]
        read_only_fields = fields


class ReplySerializer(serializers.Serializer):
    body = serializers.CharField(max_length=20000, allow_blank=True, required=False, default="")
    internal = serializers.BooleanField(default=False, help_text="Internal note (agents only).")
    files = serializers.ListField(child=serializers.FileField(), required=False, default=list)
    minutes = serializers.IntegerField(
        min_value=0, max_value=24 * 60, required=False, default=0, help_text=TIME_FIELDS_HELP
    )
    time_kind = serializers.ChoiceField(
        choices=TimeEntry.Kind.choices, required=False, default=TimeEntry.Kind.REMOTE
    )


class AttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField()
    internal = serializers.BooleanField(default=False)


class RatingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Rating
        fields = ["score", "comment", "created_at"]
        read_only_fields = ["created_at"]
