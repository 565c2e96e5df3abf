from django.urls import path

from . import views

app_name = "intake"

urlpatterns = [
    path("", views.InboundListView.as_view(), name="inbound-list"),
    path("<id:inbound_id>/", views.InboundDetailView.as_view(), name="inbound-detail"),
]
