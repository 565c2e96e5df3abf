"""API shapes of complaints, their public timeline and the workflow actions."""

from rest_framework import serializers

from clients.models import Client, Site, User
from tickets.models import Ticket

from .models import Category, Complaint, ComplaintEvent, Severity, Source, Status


class ComplaintSerializer(serializers.ModelSerializer):
    client = serializers.CharField(source="client.code", read_only=True)
    raised_by = serializers.CharField(source="raised_by.username", read_only=True)
    owner = serializers.CharField(
        source="owner.username", read_only=True, default=None, allow_null=True
    )
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Complaint
        fields = [
            "id",
            "reference",
            "client",
            "source",
            "severity",
            "category",
            "subject",
            "description",
            "status",
            "status_display",
            "raised_by",
            "owner",
            "root_cause",
            "corrective_action",
            "ack_due_at",
            "resolve_due_at",
            "acknowledged_at",
            "resolved_at",
            "closed_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ComplaintDetailSerializer(ComplaintSerializer):
    tickets = serializers.SerializerMethodField()
    sites = serializers.SerializerMethodField()
    people = serializers.SerializerMethodField()

    class Meta(ComplaintSerializer.Meta):
        fields = [*ComplaintSerializer.Meta.fields, "tickets", "sites", "people"]
        read_only_fields = fields

    def get_tickets(self, complaint) -> list[str]:
        # Prefetched through Ticket.objects.visible_to(user) by the selector.
        return [ticket.reference for ticket in complaint.tickets.all()]

    def get_sites(self, complaint) -> list[int]:
        return [site.pk for site in complaint.sites.all()]

    def get_people(self, complaint) -> list[str]:
        return [person.username for person in complaint.people.all()]


class ComplaintCreateSerializer(serializers.Serializer):
    client = serializers.PrimaryKeyRelatedField(
        queryset=Client.objects.none(),
        required=False,
        help_text="Staff only: the client's id. Client-side people log for their own client.",
    )
    source = serializers.ChoiceField(
        choices=Source.choices,
        required=False,
        help_text="Staff only; end users complain directly, client managers via the client.",
    )
    category = serializers.ChoiceField(choices=Category.choices)
    severity = serializers.ChoiceField(choices=Severity.choices, default=Severity.NORMAL)
    subject = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=20000)
    tickets = serializers.PrimaryKeyRelatedField(
        queryset=Ticket.objects.none(), many=True, required=False
    )
    sites = serializers.PrimaryKeyRelatedField(
        queryset=Site.objects.none(), many=True, required=False
    )
    people = serializers.SlugRelatedField(
        slug_field="username", queryset=User.objects.none(), many=True, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            user = request.user
            # Guessed ids of another client's rows are "does not exist", like every lookup.
            self.fields["client"].queryset = Client.objects.visible_to(user)
            self.fields["tickets"].child_relation.queryset = Ticket.objects.visible_to(user)
            self.fields["sites"].child_relation.queryset = Site.objects.visible_to(user)
            self.fields["people"].child_relation.queryset = User.objects.visible_to(user)


class StepSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")


class ResolveSerializer(StepSerializer):
    root_cause = serializers.CharField(max_length=5000)
    corrective_action = serializers.CharField(max_length=5000)


class RejectSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=5000)


class CommentSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=20000)
    internal = serializers.BooleanField(
        default=False, help_text="An internal note: provider staff only, never shown to clients."
    )


class ComplaintEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(
        source="actor.username", read_only=True, default=None, allow_null=True
    )
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    # Blank on events that are no status change (comments, owner changes).
    old_status = serializers.ChoiceField(choices=Status.choices, allow_blank=True, read_only=True)
    new_status = serializers.ChoiceField(choices=Status.choices, allow_blank=True, read_only=True)

    class Meta:
        model = ComplaintEvent
        fields = [
            "id",
            "kind",
            "kind_display",
            "actor",
            "is_internal",
            "body",
            "old_status",
            "new_status",
            "created_at",
        ]
        read_only_fields = fields
