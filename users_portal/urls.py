from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.PortalHomeView.as_view(), name="home"),
    path("tickets/", views.MyTicketListView.as_view(), name="ticket-list"),
    path("tickets/new/", views.TicketCreateView.as_view(), name="ticket-new"),
    path("tickets/<id:ticket_id>/", views.TicketDetailView.as_view(), name="ticket-detail"),
]
