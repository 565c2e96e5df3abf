from django.urls import path

from . import api

urlpatterns = [
    path("reports/", api.ReportListAPIView.as_view(), name="monthly-report-list"),
    path(
        "reports/<int:report_id>/", api.ReportDetailAPIView.as_view(), name="monthly-report-detail"
    ),
    path(
        "reports/<int:report_id>/file/<slug:kind>/",
        api.ReportDownloadAPIView.as_view(),
        name="monthly-report-download",
    ),
    path(
        "reports/<int:report_id>/sign-off/",
        api.ReportSignOffAPIView.as_view(),
        name="monthly-report-sign-off",
    ),
    path(
        "reports/<int:report_id>/dispute/",
        api.ReportDisputeAPIView.as_view(),
        name="monthly-report-dispute",
    ),
    path(
        "reports/<int:report_id>/answer/",
        api.ReportAnswerAPIView.as_view(),
        name="monthly-report-answer",
    ),
    path(
        "reports/<int:report_id>/correct/",
        api.ReportCorrectAPIView.as_view(),
        name="monthly-report-correct",
    ),
]
