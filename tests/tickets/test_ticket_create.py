"""Filing tickets: portal form and API with defaults from the requester's site and agreement."""

import pytest
from django.urls import reverse

from clients.models import ServiceCategory
from tests.factories import PASSWORD
from tickets.models import Ticket, TicketEvent

pytestmark = pytest.mark.django_db


def test_end_user_files_ticket_in_portal(login, user_a1, site_a):
    web = login(user_a1)
    response = web.post(
        reverse("portal:ticket-new"),
        {
            "subject": "屏幕不亮",
            "description": "显示器没有信号",
            "impact": 3,
            "urgency": 2,
            "site": site_a.pk,
        },
    )
    ticket = Ticket.objects.get(subject="屏幕不亮")
    assert response.status_code == 302
    assert ticket.reference == "HX-000001"
    assert ticket.site == site_a and ticket.requester == user_a1
    assert ticket.events.get().kind == TicketEvent.Kind.CREATED
    page = web.get(reverse("portal:ticket-list")).content.decode()
    assert "HX-000001" in page and "屏幕不亮" in page


def test_portal_form_with_missing_fields_keeps_input_and_explains(login, user_a1):
    response = login(user_a1).post(reverse("portal:ticket-new"), {"subject": "只写了标题"})
    assert response.status_code == 400
    assert "只写了标题" in response.content.decode()
    assert not Ticket.objects.exists()


def test_api_token_then_create_with_subject_and_description_only(client, user_a1, site_a):
    token = client.post(
        "/api/v1/auth/token/",
        {"username": "user_a1", "password": PASSWORD},
        content_type="application/json",
    ).json()["token"]
    response = client.post(
        "/api/v1/tickets/",
        {"subject": "VPN 连不上", "description": "提示超时"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Token {token}",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["reference"] == "HX-000001"
    assert body["site"] == site_a.pk and body["requester"] == "user_a1" and body["status"] == "new"


def test_api_token_with_wrong_password_is_refused(client, user_a1):
    response = client.post(
        "/api/v1/auth/token/",
        {"username": "user_a1", "password": "nope"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["non_field_errors"]


def test_category_outside_agreement_is_refused(api_for, user_a1):
    uncovered = ServiceCategory.objects.create(code="cctv", name_zh="监控", name_en="CCTV")
    response = api_for(user_a1).post(
        "/api/v1/tickets/",
        {"subject": "s", "description": "d", "category": uncovered.pk},
        format="json",
    )
    assert response.status_code == 400
    assert "not covered" in response.json()["detail"]


def test_references_are_per_client_and_sequential(user_a1, user_b1):
    from tests.factories import make_ticket

    refs = [make_ticket(requester=user_a1).reference for _ in range(2)]
    refs.append(make_ticket(requester=user_b1).reference)
    assert refs == ["HX-000001", "HX-000002", "DF-000001"]


def test_priority_follows_the_matrix(user_a1):
    from tests.factories import make_ticket

    assert make_ticket(requester=user_a1, impact=1, urgency=1).priority == 1
    assert make_ticket(requester=user_a1, impact=3, urgency=3).priority == 4
