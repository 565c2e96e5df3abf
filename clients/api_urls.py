from django.urls import path

from . import api

urlpatterns = [
    path("auth/token/", api.TokenObtainView.as_view(), name="api-token"),
    path("auth/tokens/", api.ApiTokenListView.as_view(), name="api-token-list"),
    path("auth/tokens/current/", api.TokenRevokeCurrentView.as_view(), name="api-token-current"),
    path("auth/tokens/<int:pk>/", api.ApiTokenDetailView.as_view(), name="api-token-detail"),
]
