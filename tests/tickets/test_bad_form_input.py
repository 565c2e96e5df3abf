"""Junk ids and numbers in form fields and JSON bodies: a 4xx with a message, never a 500."""

import pytest
from django.test import Client

from .panel import panel_post

pytestmark = pytest.mark.django_db

JUNK = ["²", "1e20", "100000000000000000000", str(2**63), "\x00", "abc", "-1", "١"]


@pytest.fixture
def as_user(request):
    def _browser(name):
        browser = Client(raise_request_exception=False)
        browser.force_login(request.getfixturevalue(name))
        return browser

    return _browser


@pytest.mark.parametrize("junk", JUNK)
def test_staff_forms_and_api_bodies(as_user, ticket_a1, junk):
    agent = as_user("agent_a")
    workspace = f"/queue/tickets/{ticket_a1.pk}/"
    api = f"/api/v1/tickets/{ticket_a1.pk}"
    answers = [
        agent.post(workspace, panel_post(ticket_a1, status="in_progress", version=junk)),
        agent.post(workspace, panel_post(ticket_a1, priority=junk)),
        agent.post(workspace, panel_post(ticket_a1, category=junk)),
        agent.post(workspace, panel_post(ticket_a1, assignee=junk, team=junk)),
        agent.post(workspace, panel_post(ticket_a1, mode=junk, body="x")),
        agent.post("/queue/", {"tickets": [f"{ticket_a1.pk}:{junk}"], "action": "assign"}),
        agent.patch(
            f"{api}/", {"version": junk, "priority": junk}, content_type="application/json"
        ),
        agent.post(
            f"{api}/assign/", {"version": 1, "assignee": junk}, content_type="application/json"
        ),
        agent.post(
            "/api/v1/tickets/",
            {"subject": "s", "description": "d", "requester": junk, "site": junk},
            content_type="application/json",
        ),
    ]
    for response in answers:
        assert 400 <= response.status_code < 500, response.content[:300]
    ticket_a1.refresh_from_db()
    assert ticket_a1.version == 1


@pytest.mark.parametrize("junk", JUNK)
def test_portal_forms(as_user, ticket_a1, junk):
    user = as_user("user_a1")
    answers = [
        user.post(
            "/portal/tickets/new/",
            {"subject": "s", "description": "d", "site": junk, "category": junk, "impact": junk},
        ),
        user.post(f"/portal/tickets/{ticket_a1.pk}/", {"action": "rate", "score": junk}),
        user.post(
            f"/api/v1/tickets/{ticket_a1.pk}/rating/",
            {"score": junk},
            content_type="application/json",
        ),
    ]
    for response in answers:
        assert 400 <= response.status_code < 500, response.content[:300]


@pytest.mark.parametrize("raw", ["١", "²", True, "1e3", "0", str(2**63), " "])
def test_fields_read_ids_like_urls_do(raw, ticket_a1):
    from django import forms as django_forms
    from rest_framework import serializers

    from itsm.fields import ApiIdField, ApiRowField, IdField, RowChoiceField
    from tickets.models import Ticket

    with pytest.raises(django_forms.ValidationError):
        IdField().clean(raw)
    with pytest.raises(django_forms.ValidationError):
        RowChoiceField(queryset=Ticket.objects.all()).clean(raw)
    with pytest.raises(serializers.ValidationError):
        ApiIdField().run_validation(raw)
    with pytest.raises(serializers.ValidationError):
        ApiRowField(queryset=Ticket.objects.all()).run_validation(raw)


def test_fields_accept_real_ids(ticket_a1):
    from itsm.fields import ApiIdField, ApiRowField, IdField, RowChoiceField
    from tickets.models import Ticket

    assert IdField().clean(str(ticket_a1.pk)) == ticket_a1.pk
    assert RowChoiceField(queryset=Ticket.objects.all()).clean(str(ticket_a1.pk)) == ticket_a1
    assert ApiIdField().run_validation(ticket_a1.pk) == ticket_a1.pk
    assert ApiRowField(queryset=Ticket.objects.all()).run_validation(ticket_a1.pk) == ticket_a1
