"""Every model is in the admin and its list pages work; API schema and docs are served locally."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

pytestmark = pytest.mark.django_db

OUR_APPS = {
    "audit",
    "itsm",
    "clients",
    "tickets",
    "sla",
    "users_portal",
    "reports",
    "satisfaction",
    "dashboards",
    "monthly",
}
# Internal bookkeeping, never edited by hand: counter rows; keys of ticket-creating requests
# already seen (double-submit protection).
NOT_IN_ADMIN = {"ticketcounter", "createrequest"}


def our_models():
    return [m for m in apps.get_models() if m._meta.app_label in OUR_APPS]


def test_every_model_is_registered():
    missing = [
        m._meta.label
        for m in our_models()
        if m not in admin.site._registry and m._meta.model_name not in NOT_IN_ADMIN
    ]
    assert not missing, f"register in admin: {missing}"


def test_admin_changelists_and_search_work(client, admin_user, ticket_a1):
    client.force_login(admin_user)
    for model in admin.site._registry:
        if model._meta.app_label not in OUR_APPS:
            continue
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert client.get(url).status_code == 200, url
        assert client.get(url, {"q": "x"}).status_code == 200, url


def test_schema_lists_every_api_route(client, user_a1):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    paths = set(schema["paths"])
    for path in [
        "/api/v1/auth/token/",
        "/api/v1/tickets/",
        "/api/v1/tickets/{id}/",
        "/api/v1/tickets/{id}/status/",
        "/api/v1/tickets/{id}/events/",
        "/api/v1/tickets/{id}/attachments/",
        "/api/v1/attachments/{id}/download/",
        "/api/v1/dashboards/client/",
        "/api/v1/dashboards/overview/",
    ]:
        assert path in paths, path


def test_docs_use_local_assets(client):
    html = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in html
    assert "cdn" not in html.lower() and "//unpkg" not in html


def test_error_pages_are_the_sites_own(client, login, agent_a, user_a1):
    response = login(agent_a).get(reverse("clients:invitation-create"))
    assert response.status_code == 403 and "Back to the start page" in response.content.decode()
    response = login(user_a1).get("/portal/tickets/999999/")
    assert response.status_code == 404 and "Back to the start page" in response.content.decode()


def test_agents_are_not_offered_the_invitation_page(login, agent_a, admin_user):
    assert (
        reverse("clients:invitation-create") not in login(agent_a).get("/queue/").content.decode()
    )
    assert reverse("clients:invitation-create") in login(admin_user).get("/queue/").content.decode()
