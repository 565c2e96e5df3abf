"""Root URLs: the only module that includes every app's urls."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from clients.views import language_switch
from users_portal.views import home

from .health import healthz

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("i18n/setlang/", language_switch, name="set_language"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("audit/", include("audit.urls")),
    path("portal/", include("users_portal.urls")),
    path("", include("tickets.urls")),
    path("", include("clients.urls")),
    path("", include("reports.notices.urls")),
    path("", include("reports.monthly.urls")),
    path("", include("notifications.urls")),
    path("api/v1/", include("clients.api_urls")),
    path("api/v1/", include("tickets.api_urls")),
    path("api/v1/", include("reports.notices.api_urls")),
    path("api/v1/", include("notifications.api_urls")),
    path("complaints/", include("reports.complaints.urls")),
    path("api/v1/", include("reports.complaints.api_urls")),
    path("satisfaction/", include("reports.satisfaction.urls")),
    path("api/v1/satisfaction/", include("reports.satisfaction.api_urls")),
    path("", include("reports.dashboards.urls")),
    path("inbound-email/", include("intake.urls")),
    path("robots/", include("robots.urls")),
    path("api/v1/", include("reports.dashboards.api_urls")),
    path("api/v1/", include("reports.monthly.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "api/docs/",
        # The split view serves Swagger UI's start-up script as a file: no inline script under CSP.
        SpectacularSwaggerSplitView.as_view(url_name="schema", template_name="api/swagger_ui.html"),
        name="api-docs",
    ),
]

handler400 = "itsm.errors.bad_request"
handler403 = "itsm.errors.permission_denied"
handler404 = "itsm.errors.page_not_found"
handler500 = "itsm.errors.server_error"
