from django.urls import path

from . import views

app_name = "clients"

urlpatterns = [
    path("invitations/", views.InvitationCreateView.as_view(), name="invitation-create"),
    path(
        "invitations/accept/<str:token>/",
        views.InvitationAcceptView.as_view(),
        name="invitation-accept",
    ),
]
