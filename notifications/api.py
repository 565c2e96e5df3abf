"""Notifications API under /api/v1/notifications/: one's own, scoped by visible_to."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response

from . import selectors, services
from .models import Notification
from .serializers import MarkedSerializer, NotificationSerializer


class IsProviderStaff(BasePermission):
    message = _("Only the service desk receives notifications.")

    def has_permission(self, request, view):
        return bool(request.user.is_authenticated and request.user.is_provider_staff)


@extend_schema_view(
    list=extend_schema(
        summary="My notifications, newest first",
        description="New tickets of the clients one's teams serve, requester replies, reopens, "
        "assignments and SLA warnings. Only notifications of clients the caller may still see. "
        "`?unread=1` lists the unread ones.",
    ),
    retrieve=extend_schema(summary="One of my notifications"),
)
class NotificationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    serializer_class = NotificationSerializer
    permission_classes = [IsAuthenticated, IsProviderStaff]
    queryset = Notification.objects.none()  # schema typing only; get_queryset scopes
    lookup_value_converter = "id"

    def get_queryset(self):
        unread_only = self.request.query_params.get("unread") == "1"
        return selectors.notification_list_for(user=self.request.user, unread_only=unread_only)

    def get_object(self):
        return selectors.notification_get_for(
            user=self.request.user, notification_id=self.kwargs["pk"]
        )

    @extend_schema(
        summary="Mark one notification as read", request=None, responses=NotificationSerializer
    )
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        notification = services.notification_mark_read(
            actor=request.user, notification=self.get_object(), now=timezone.now()
        )
        return Response(NotificationSerializer(notification).data)

    @extend_schema(
        summary="Mark all my notifications as read", request=None, responses=MarkedSerializer
    )
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        marked = services.notifications_mark_all_read(actor=request.user, now=timezone.now())
        return Response({"marked": marked})
