from django.urls import path

from .api import TokenObtainView

urlpatterns = [path("auth/token/", TokenObtainView.as_view(), name="api-token")]
