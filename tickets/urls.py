from django.urls import path

from . import views

app_name = "tickets"

urlpatterns = [
    path("queue/", views.TicketQueueView.as_view(), name="ticket-queue"),
    path(
        "queue/tickets/<id:ticket_id>/",
        views.TicketWorkspaceView.as_view(),
        name="ticket-workspace",
    ),
    path("client/tickets/", views.ClientTicketListView.as_view(), name="ticket-client-list"),
    path(
        "client/tickets/<id:ticket_id>/",
        views.ClientTicketDetailView.as_view(),
        name="ticket-client-detail",
    ),
    path(
        "attachments/<id:attachment_id>/",
        views.AttachmentDownloadView.as_view(),
        name="attachment-download",
    ),
]
