from django.urls import path

from . import views

app_name = "monthly"

urlpatterns = [
    path("reports/monthly/", views.ReportListView.as_view(), name="report-list"),
    path("reports/monthly/board/", views.ReportBoardView.as_view(), name="report-board"),
    path(
        "reports/monthly/<int:report_id>/", views.ReportDetailView.as_view(), name="report-detail"
    ),
    path(
        "reports/monthly/<int:report_id>/file/<slug:kind>/",
        views.ReportDownloadView.as_view(),
        name="report-download",
    ),
    *(
        path(
            f"reports/monthly/<int:report_id>/{action}/",
            views.ReportActionView.as_view(action=action),
            name=f"report-{action}",
        )
        for action in views.ACTIONS
    ),
]
