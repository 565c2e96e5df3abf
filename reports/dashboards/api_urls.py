from django.urls import path

from .api import ClientDashboardAPIView, ProviderOverviewAPIView

urlpatterns = [
    path("dashboards/client/", ClientDashboardAPIView.as_view(), name="dashboard-client"),
    path("dashboards/overview/", ProviderOverviewAPIView.as_view(), name="dashboard-overview"),
]
