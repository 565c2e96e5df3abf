from django.urls import path

from . import views

app_name = "complaints"

urlpatterns = [
    path("", views.ComplaintListView.as_view(), name="complaint-list"),
    path("new/", views.ComplaintCreateView.as_view(), name="complaint-new"),
    path("<id:complaint_id>/", views.ComplaintDetailView.as_view(), name="complaint-detail"),
]
