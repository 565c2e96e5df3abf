from django.urls import path

from . import views

app_name = "dashboards"

urlpatterns = [
    path("dashboards/", views.ClientDashboardView.as_view(), name="client-dashboard"),
    path(
        "dashboards/csv/<slug:table>/",
        views.DashboardCsvView.as_view(),
        name="client-dashboard-csv",
    ),
    path("dashboards/overview/", views.ProviderOverviewView.as_view(), name="provider-overview"),
]
