"""Ticket API under /api/v1/tickets/, scoped by visible_to(user) like every page."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.response import Response

from . import selectors, services
from .models import Channel
from .serializers import TicketCreateSerializer, TicketSerializer
from .views import queue_filters


class TicketViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = TicketSerializer

    def get_queryset(self):
        user = self.request.user
        filters = queue_filters(self.request.query_params) if user.is_provider_staff else {
            k: self.request.query_params.get(k) for k in ("status", "q") if self.request.query_params.get(k)
        }
        rows = selectors.ticket_list_for(user=user, filters=filters)
        return rows.select_related("client", "requester", "assignee").order_by(
            "sla_due_at", "priority", "created_at", "id"
        )

    @extend_schema(request=TicketCreateSerializer, responses={201: TicketSerializer})
    def create(self, request):
        incoming = TicketCreateSerializer(data=request.data, context={"request": request})
        incoming.is_valid(raise_exception=True)
        ticket = services.ticket_create(actor=request.user, channel=Channel.API, **incoming.validated_data)
        return Response(TicketSerializer(ticket).data, status=status.HTTP_201_CREATED)
