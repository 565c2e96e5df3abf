"""Complaint API under /api/v1/complaints/, scoped by visible_to(user) like every page."""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from itsm.tenancy import Role

from . import selectors, services
from .models import Complaint, Source
from .serializers import (
    CommentSerializer,
    ComplaintCreateSerializer,
    ComplaintDetailSerializer,
    ComplaintEventSerializer,
    ComplaintSerializer,
    RejectSerializer,
    ResolveSerializer,
    StepSerializer,
)

LIST_PARAMETERS = [
    OpenApiParameter(name, OpenApiTypes.STR, description=text)
    for name, text in [
        ("status", "open (not closed), all, or a status"),
        ("severity", "normal, serious or critical"),
        ("source", "direct or via_client"),
        ("category", "slow_response, not_resolved, repeated_fault, attitude, communication, other"),
        ("client", "client id (staff)"),
        ("mine", "1: owned by me"),
        ("q", "reference or subject"),
    ]
]
ERRORS = {400: OpenApiTypes.OBJECT, 403: OpenApiTypes.OBJECT, 404: OpenApiTypes.OBJECT}


class ComplaintViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = ComplaintSerializer
    queryset = Complaint.objects.none()  # schema typing only; get_queryset scopes every request
    lookup_value_converter = "id"

    def get_queryset(self):
        filters = selectors.list_filters(self.request.query_params)
        return selectors.complaint_list_for(user=self.request.user, filters=filters)

    def get_object(self):
        return selectors.complaint_get_for(user=self.request.user, complaint_id=self.kwargs["pk"])

    def incoming(self, serializer_class):
        data = serializer_class(data=self.request.data, context={"request": self.request})
        data.is_valid(raise_exception=True)
        return data.validated_data

    def detail_response(self, complaint, code=status.HTTP_200_OK):
        fresh = selectors.complaint_get_for(user=self.request.user, complaint_id=complaint.pk)
        return Response(ComplaintDetailSerializer(fresh).data, status=code)

    @extend_schema(
        summary="List the complaints you may see",
        description="Staff: clients they serve; client managers: their client; end users: their "
        "own. Newest first, paginated without a total count.",
        parameters=LIST_PARAMETERS,
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(
        summary="Log a complaint",
        description="End users complain directly, client managers log complaints via the client, "
        "staff choose the client and the source. Linked tickets must belong to the client.",
        request=ComplaintCreateSerializer,
        responses={201: ComplaintDetailSerializer, **ERRORS},
    )
    def create(self, request):
        data = dict(self.incoming(ComplaintCreateSerializer))
        user = request.user
        expected = Source.VIA_CLIENT if user.role == Role.CLIENT_MANAGER else Source.DIRECT
        source = data.pop("source", None) or expected
        client = data.pop("client", None)
        if client is None and user.is_provider_staff:
            return Response(
                {"client": [_("Name the client the complaint is about.")]},
                status.HTTP_400_BAD_REQUEST,
            )
        client = client or user.client
        complaint = services.complaint_open(actor=user, client=client, source=source, **data)
        return self.detail_response(complaint, status.HTTP_201_CREATED)

    @extend_schema(
        summary="One complaint",
        responses={200: ComplaintDetailSerializer, 404: OpenApiTypes.OBJECT},
    )
    def retrieve(self, request, pk=None):
        return Response(ComplaintDetailSerializer(self.get_object()).data)

    @extend_schema(
        summary="The complaint's timeline",
        description="Oldest first. Internal notes and escalations only for provider staff.",
        responses={200: ComplaintEventSerializer(many=True)},
    )
    @action(detail=True, methods=["get"])
    def timeline(self, request, pk=None):
        events = selectors.complaint_events_for(user=request.user, complaint=self.get_object())
        page = self.paginate_queryset(events)
        return self.get_paginated_response(ComplaintEventSerializer(page, many=True).data)

    @extend_schema(
        summary="Acknowledge (owner or handler)",
        request=StepSerializer,
        responses={200: ComplaintDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        complaint = self.get_object()
        data = self.incoming(StepSerializer)
        complaint = services.complaint_acknowledge(
            actor=request.user, complaint=complaint, comment=data["comment"]
        )
        return self.detail_response(complaint)

    @extend_schema(
        summary="Start investigating (owner or handler)",
        request=StepSerializer,
        responses={200: ComplaintDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def investigate(self, request, pk=None):
        complaint = self.get_object()
        data = self.incoming(StepSerializer)
        complaint = services.complaint_investigate(
            actor=request.user, complaint=complaint, comment=data["comment"]
        )
        return self.detail_response(complaint)

    @extend_schema(
        summary="Resolve with root cause and corrective action (owner or handler)",
        request=ResolveSerializer,
        responses={200: ComplaintDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        complaint = self.get_object()
        data = self.incoming(ResolveSerializer)
        complaint = services.complaint_resolve(actor=request.user, complaint=complaint, **data)
        return self.detail_response(complaint)

    @extend_schema(
        summary="Accept the resolution and close (client manager or complainant)",
        request=StepSerializer,
        responses={200: ComplaintDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        complaint = self.get_object()
        data = self.incoming(StepSerializer)
        complaint = services.complaint_accept(
            actor=request.user, complaint=complaint, comment=data["comment"]
        )
        return self.detail_response(complaint)

    @extend_schema(
        summary="Reject the resolution with a reason: reopens (client manager or complainant)",
        request=RejectSerializer,
        responses={200: ComplaintDetailSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        complaint = self.get_object()
        data = self.incoming(RejectSerializer)
        complaint = services.complaint_reject(
            actor=request.user, complaint=complaint, reason=data["reason"]
        )
        return self.detail_response(complaint)

    @extend_schema(
        summary="Comment, or an internal note (staff)",
        request=CommentSerializer,
        responses={201: ComplaintEventSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def comment(self, request, pk=None):
        complaint = self.get_object()
        data = self.incoming(CommentSerializer)
        event = services.complaint_comment(actor=request.user, complaint=complaint, **data)
        return Response(ComplaintEventSerializer(event).data, status=status.HTTP_201_CREATED)
