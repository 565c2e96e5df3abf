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
    path("api-tokens/", views.ApiTokenListView.as_view(), name="token-list"),
    path("api-tokens/<int:pk>/revoke/", views.ApiTokenRevokeView.as_view(), name="token-revoke"),
]
