"""Ticket API under /api/v1/, scoped by visible_to(user) like every page."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response

from . import selectors, services
from .attachments import attachment_response
from .models import Attachment, Channel, Status, Ticket, TimeEntry
from .queue_paging import ORDER as QUEUE_ORDER
from .serializers import (
    AssignSerializer,
    AttachmentSerializer,
    AttachmentUploadSerializer,
    EventSerializer,
    RatingSerializer,
    ReplySerializer,
    StatusChangeSerializer,
    TicketCreateSerializer,
    TicketSerializer,
    TicketUpdateSerializer,
)
from .views import queue_filters

LIST_PARAMETERS = [
    OpenApiParameter(name, OpenApiTypes.STR, description=text)
    for name, text in [
        ("status", "open (default for staff), all, or a status"),
        ("client", "client id"),
        ("site", "site id"),
        ("priority", "1-4"),
        ("assignee", "agent id"),
        ("team", "team id"),
        ("category", "category id"),
        ("mine", "1: assigned to me"),
        ("unassigned", "1: nobody assigned"),
        ("q", "reference, subject or requester"),
    ]
]


class IsProviderStaff(BasePermission):
    message = _("Only the service desk can do that.")

    def has_permission(self, request, view):
        return bool(
            request.user and request.user.is_authenticated and request.user.is_provider_staff
        )


# Summaries in one place (Swagger lists operations by them); the methods keep their own shapes.
@extend_schema_view(
    list=extend_schema(summary="List the tickets you may see (staff: the queue, by urgency)"),
    create=extend_schema(summary="File a ticket (staff: on behalf of a requester, by phone)"),
    retrieve=extend_schema(summary="One ticket"),
    partial_update=extend_schema(
        summary="Edit subject, description, priority or category (staff; needs `version`)"
    ),
    change_status=extend_schema(summary="Change the status (needs `version`)"),
    claim=extend_schema(summary="Claim the ticket for yourself (staff)"),
    assign=extend_schema(summary="Assign to an agent and/or team (staff; needs `version`)"),
    events=extend_schema(
        summary="The timeline, oldest first, paginated; POST adds a reply or internal note"
    ),
    attachments=extend_schema(summary="Attachments of the ticket, paginated; POST uploads one"),
    rating=extend_schema(summary="Rate a resolved ticket (requester)"),
)
class TicketViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = TicketSerializer
    queryset = Ticket.objects.none()  # schema typing only; get_queryset scopes every request
    lookup_value_converter = "id"
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        user, params = self.request.user, self.request.query_params
        if user.is_provider_staff:
            filters = queue_filters(params)
        else:
            filters = selectors.list_filters(params, ("status", "q", "site"))
        rows = selectors.ticket_list_for(user=user, filters=filters)
        return rows.select_related("client", "requester", "assignee").order_by(*QUEUE_ORDER)

    def get_object(self):
        return selectors.ticket_get_for(user=self.request.user, ticket_id=self.kwargs["pk"])

    def incoming(self, serializer_class):
        data = serializer_class(data=self.request.data, context={"request": self.request})
        data.is_valid(raise_exception=True)
        return data.validated_data

    def ticket_response(self, ticket, code=status.HTTP_200_OK):
        return Response(TicketSerializer(ticket).data, status=code)

    @extend_schema(parameters=LIST_PARAMETERS)
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(
        request=TicketCreateSerializer,
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                OpenApiTypes.STR,
                OpenApiParameter.HEADER,
                description=(
                    "Optional, up to 200 characters. Repeating a request with the same key "
                    "returns the ticket created the first time (200) instead of a duplicate; "
                    "the same key with a different body is refused (422)."
                ),
            )
        ],
        responses={201: TicketSerializer, 200: TicketSerializer, 422: OpenApiTypes.OBJECT},
    )
    def create(self, request):
        data = self.incoming(TicketCreateSerializer)
        channel = (
            Channel.PHONE
            if data.get("requester") and request.user.is_provider_staff
            else Channel.API
        )
        key = request.headers.get("Idempotency-Key")
        if key is None:
            ticket = services.ticket_create(actor=request.user, channel=channel, **data)
            return self.ticket_response(ticket, status.HTTP_201_CREATED)
        ticket, created = services.ticket_create_once(
            actor=request.user,
            key=f"api:{key}",
            fingerprint=services.request_fingerprint(request.data),
            channel=channel,
            **data,
        )
        return self.ticket_response(
            ticket, status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )

    @extend_schema(
        request=TicketUpdateSerializer, responses={200: TicketSerializer, 409: OpenApiTypes.OBJECT}
    )
    def partial_update(self, request, pk=None):
        """Staff edits, like the workspace's panel: every field given is applied, all against
        `version` in one transaction (a stale version or any refusal saves nothing)."""
        ticket, data = self.get_object(), self.incoming(TicketUpdateSerializer)
        version = data["version"]
        with transaction.atomic():
            if "subject" in data or "description" in data:
                ticket = services.ticket_update(
                    actor=request.user,
                    ticket=ticket,
                    expected_version=data["version"],
                    subject=data.get("subject", ticket.subject),
                    description=data.get("description", ticket.description),
                )
                version = ticket.version
            changes = {
                name: data[name]
                for name in ("status", "assignee", "team", "priority", "category")
                if name in data
            }
            ticket = services.ticket_change(
                actor=request.user,
                ticket=ticket,
                version=version,
                body=data.get("body", ""),
                internal=data["internal"],
                minutes=data.get("minutes", 0),
                time_kind=data.get("time_kind", TimeEntry.Kind.REMOTE),
                **changes,
            )
        return self.ticket_response(ticket)

    @extend_schema(
        request=StatusChangeSerializer,
        responses={200: TicketSerializer, 409: OpenApiTypes.OBJECT},
    )
    @action(detail=True, methods=["post"], url_path="status")
    def change_status(self, request, pk=None):
        """Move the ticket along the workflow. A requester reopening with a `comment` goes
        through the same steps as the portal: what is still wrong becomes their reply (a
        withdrawal's comment is its reason on the timeline)."""
        data, ticket = self.incoming(StatusChangeSerializer), self.get_object()
        comment = data.get("comment", "").strip()
        requester_move = {Status.REOPENED: services.ticket_reopen}
        if comment and not request.user.is_provider_staff and data["status"] in requester_move:
            with transaction.atomic():
                ticket = services.ticket_lock(ticket=ticket, expected_version=data["version"])
                ticket = requester_move[data["status"]](
                    actor=request.user, ticket=ticket, reason=comment
                )
        else:
            ticket = services.ticket_change_status(
                actor=request.user,
                ticket=ticket,
                status=data["status"],
                expected_version=data["version"],
                comment=comment,
            )
        return self.ticket_response(ticket)

    @extend_schema(request=None, responses={200: TicketSerializer, 409: OpenApiTypes.OBJECT})
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated, IsProviderStaff])
    def claim(self, request, pk=None):
        return self.ticket_response(
            services.ticket_claim(actor=request.user, ticket=self.get_object())
        )

    @extend_schema(
        request=AssignSerializer, responses={200: TicketSerializer, 409: OpenApiTypes.OBJECT}
    )
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated, IsProviderStaff])
    def assign(self, request, pk=None):
        data = self.incoming(AssignSerializer)
        ticket = services.ticket_assign(
            actor=request.user,
            ticket=self.get_object(),
            agent=data.get("assignee"),
            team=data.get("team"),
            expected_version=data["version"],
        )
        return self.ticket_response(ticket)

    @extend_schema(methods=["get"], responses={200: EventSerializer(many=True)})
    @extend_schema(
        methods=["post"],
        request=ReplySerializer,
        responses={201: EventSerializer, 204: None},
        description="A reply or internal note, with the minutes spent (staff). Minutes alone "
        "are recorded without a timeline entry (204).",
    )
    @action(detail=True, methods=["get", "post"])
    def events(self, request, pk=None):
        """The timeline (internal notes only for staff); POST adds a reply or an internal note."""
        ticket = self.get_object()
        if request.method == "GET":
            events = selectors.ticket_events_for(user=request.user, ticket=ticket)
            page = self.paginate_queryset(events)
            return self.get_paginated_response(EventSerializer(page, many=True).data)
        data = self.incoming(ReplySerializer)
        event = services.ticket_respond(
            actor=request.user,
            ticket=ticket,
            body=data["body"],
            internal=data["internal"],
            files=data["files"],
            minutes=data["minutes"],
            time_kind=data["time_kind"],
        )
        if event is None:  # minutes recorded without text: nothing on the timeline
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(EventSerializer(event).data, status=status.HTTP_201_CREATED)

    @extend_schema(methods=["get"], responses={200: AttachmentSerializer(many=True)})
    @extend_schema(
        methods=["post"],
        request={"multipart/form-data": AttachmentUploadSerializer},
        responses={201: AttachmentSerializer},
    )
    @action(detail=True, methods=["get", "post"])
    def attachments(self, request, pk=None):
        ticket = self.get_object()
        if request.method == "GET":
            rows = selectors.attachments_for(user=request.user, ticket=ticket)
            page = self.paginate_queryset(rows)
            return self.get_paginated_response(AttachmentSerializer(page, many=True).data)
        data = self.incoming(AttachmentUploadSerializer)
        attachment = services.attachment_add(
            actor=request.user, ticket=ticket, upload=data["file"], internal=data["internal"]
        )
        return Response(AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=RatingSerializer, responses={201: RatingSerializer})
    @action(detail=True, methods=["post"])
    def rating(self, request, pk=None):
        data = self.incoming(RatingSerializer)
        rating = services.ticket_rate(
            actor=request.user,
            ticket=self.get_object(),
            score=data["score"],
            comment=data.get("comment", ""),
        )
        return Response(RatingSerializer(rating).data, status=status.HTTP_201_CREATED)


class AttachmentViewSet(viewsets.GenericViewSet):
    serializer_class = AttachmentSerializer
    queryset = Attachment.objects.none()  # schema typing only
    lookup_value_converter = "id"

    @extend_schema(
        summary="Download an attachment's file",
        responses={(200, "*/*"): OpenApiTypes.BINARY},
    )
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        attachment = selectors.attachment_get_for(user=request.user, attachment_id=pk)
        return attachment_response(attachment)
