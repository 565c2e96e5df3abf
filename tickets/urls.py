from django.urls import path

from . import views

app_name = "tickets"

urlpatterns = [
    path("queue/", views.TicketQueueView.as_view(), name="ticket-queue"),
    path("client/tickets/", views.ClientTicketListView.as_view(), name="ticket-client-list"),
]
