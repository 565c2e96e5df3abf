"""Notice API under /api/v1/notices/, scoped by visible_to like the pages."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response

from itsm.tenancy import Role

from ..models import Notice
from . import selectors, services
from .serializers import (
    MyReceiptSerializer,
    NoticeSerializer,
    NoticeWriteSerializer,
    ReceiptSerializer,
)


class IsProviderStaff(BasePermission):
    message = _("Only the service desk can do that.")

    def has_permission(self, request, view):
        return bool(request.user.is_authenticated and request.user.is_provider_staff)


class SeesReadRates(BasePermission):
    message = _("Only the service desk and client managers see who has read a notice.")

    def has_permission(self, request, view):
        user = request.user
        return bool(
            user.is_authenticated and (user.is_provider_staff or user.role == Role.CLIENT_MANAGER)
        )


@extend_schema_view(
    list=extend_schema(
        summary="Notices for the caller",
        description="End users: the notices aimed at them now. Client managers: every notice "
        "sent to their client, with their client's read rate. Staff: the notices of the "
        "clients they serve, with read rates per client.",
    ),
    retrieve=extend_schema(summary="One notice (same scoping as the list)"),
)
class NoticeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    http_method_names = ["get", "post", "put", "head", "options"]
    serializer_class = NoticeSerializer
    queryset = Notice.objects.none()  # schema typing only; get_queryset scopes every request
    lookup_value_converter = "id"

    def get_queryset(self):
        return selectors.notice_list_for(user=self.request.user, now=timezone.now())

    def get_object(self):
        return selectors.notice_get_for(
            user=self.request.user, notice_id=self.kwargs["pk"], now=timezone.now()
        )

    def context_for(self, notices) -> dict:
        user = self.request.user
        if user.role == Role.END_USER:
            return {"receipts": selectors.receipts_of(user=user, notices=notices)}
        summaries = selectors.notice_summaries(user=user, notices=notices)
        return {"summaries": {s.notice.pk: s for s in summaries}}

    def respond(self, notice, code=status.HTTP_200_OK):
        return Response(NoticeSerializer(notice, context=self.context_for([notice])).data, code)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        data = NoticeSerializer(page, many=True, context=self.context_for(page)).data
        return self.get_paginated_response(data)

    def retrieve(self, request, pk=None):
        return self.respond(self.get_object())

    @extend_schema(
        summary="Publish a notice (staff)",
        description="Address one or more clients, optionally narrowed to sites and service "
        "tiers. An agent may address only clients their teams serve.",
        request=NoticeWriteSerializer,
        responses={201: NoticeSerializer},
    )
    def create(self, request):
        if not request.user.is_provider_staff:
            self.permission_denied(request, message=IsProviderStaff.message)
        incoming = NoticeWriteSerializer(data=request.data, context={"request": request})
        incoming.is_valid(raise_exception=True)
        notice = services.notice_create(
            actor=request.user, now=timezone.now(), **incoming.service_arguments()
        )
        return self.respond(notice, status.HTTP_201_CREATED)

    @extend_schema(
        summary="Replace a notice's text, period and targets (staff)",
        description="Receipts follow the new audience; newly reached people are mailed if the "
        "notice is mailed. An agent may edit only notices whose every client they serve.",
        request=NoticeWriteSerializer,
        responses={200: NoticeSerializer},
    )
    def update(self, request, pk=None):
        if not request.user.is_provider_staff:
            self.permission_denied(request, message=IsProviderStaff.message)
        notice = self.get_object()
        incoming = NoticeWriteSerializer(data=request.data, context={"request": request})
        incoming.is_valid(raise_exception=True)
        notice = services.notice_update(
            actor=request.user, notice=notice, now=timezone.now(), **incoming.service_arguments()
        )
        return self.respond(notice)

    @extend_schema(
        summary="Withdraw a notice (staff)", request=None, responses={200: NoticeSerializer}
    )
    @action(detail=True, methods=["post"], permission_classes=[IsAuthenticated, IsProviderStaff])
    def withdraw(self, request, pk=None):
        notice = services.notice_withdraw(
            actor=request.user, notice=self.get_object(), now=timezone.now()
        )
        return self.respond(notice)

    @extend_schema(
        summary="Mark a notice as seen (end user)",
        request=None,
        responses={200: MyReceiptSerializer},
    )
    @action(detail=True, methods=["post"])
    def seen(self, request, pk=None):
        notice = self.get_object()
        receipts = services.notices_mark_seen(
            actor=request.user, notices=[notice], now=timezone.now()
        )
        if notice.pk not in receipts:
            self.permission_denied(
                request, message=_("Only the people a notice is addressed to can mark it seen.")
            )
        return Response(MyReceiptSerializer(receipts[notice.pk]).data)

    @extend_schema(
        summary="Acknowledge an important notice (end user: “Got it”)",
        request=None,
        responses={200: MyReceiptSerializer},
    )
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        receipt = services.notice_acknowledge(
            actor=request.user, notice=self.get_object(), now=timezone.now()
        )
        return Response(MyReceiptSerializer(receipt).data)

    @extend_schema(
        summary="Who was addressed and who read it (staff, client managers)",
        description="A client manager sees their own client's people only.",
        responses={200: ReceiptSerializer(many=True)},
    )
    @action(detail=True, methods=["get"], permission_classes=[IsAuthenticated, SeesReadRates])
    def receipts(self, request, pk=None):
        rows = selectors.receipt_list_for(user=request.user, notice=self.get_object())
        page = self.paginate_queryset(rows)
        return self.get_paginated_response(ReceiptSerializer(page, many=True).data)
