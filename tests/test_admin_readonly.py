"""The admin cannot rewrite a ticket's record: tickets, events, attachments and ratings are view
only there, because edits would skip the timeline, the version check and the SLA re-target."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from tickets.models import Attachment, Rating, Ticket, TicketEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def record(ticket_a1, user_a1):
    """One row of each kind that belongs to a ticket's record."""
    attachment = Attachment(
        ticket=ticket_a1,
        client=ticket_a1.client,
        token="tok-admin-readonly",
        filename="log.txt",
        content_type="text/plain",
        size=5,
        uploaded_by=user_a1,
    )
    attachment.file.save("log.txt", ContentFile(b"hello"), save=False)
    attachment.save()
    rating = Rating.objects.create(
        ticket=ticket_a1, client=ticket_a1.client, score=4, rated_by=user_a1
    )
    return {
        Ticket: ticket_a1,
        TicketEvent: ticket_a1.events.first(),
        Attachment: attachment,
        Rating: rating,
    }


def url(obj, view):
    meta = obj._meta
    args = [] if view == "add" else [obj.pk]
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}", args=args)


RECORD_MODELS = [Ticket, TicketEvent, Attachment, Rating]


@pytest.mark.parametrize("model", RECORD_MODELS, ids=lambda m: m.__name__)
def test_record_rows_are_viewable_but_not_editable(admin_client, record, model):
    obj = record[model]
    page = admin_client.get(url(obj, "change"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="_save"' not in html  # no save button, no form fields
    assert url(obj, "delete") not in html


@pytest.mark.parametrize("model", RECORD_MODELS, ids=lambda m: m.__name__)
def test_record_rows_cannot_be_added_or_deleted(admin_client, record, model):
    obj = record[model]
    assert admin_client.get(url(obj, "add")).status_code == 403
    assert admin_client.get(url(obj, "delete")).status_code == 403
    assert admin_client.post(url(obj, "delete"), {"post": "yes"}).status_code == 403
    assert model.objects.filter(pk=obj.pk).exists()


def test_post_to_ticket_change_page_is_refused(admin_client, record):
    ticket = record[Ticket]
    before = (ticket.subject, ticket.description, ticket.version, ticket.events.count())
    response = admin_client.post(
        url(ticket, "change"),
        {
            "subject": "Rewritten by admin",
            "description": "Rewritten",
            "site": ticket.site_id,
            "impact": ticket.impact,
            "urgency": ticket.urgency,
            "channel": ticket.channel,
            "events-TOTAL_FORMS": "0",
            "events-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 403
    ticket.refresh_from_db()
    assert (ticket.subject, ticket.description, ticket.version, ticket.events.count()) == before


def test_bulk_delete_action_is_not_offered(admin_client, record):
    for model in RECORD_MODELS:
        obj = record[model]
        changelist = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_changelist")
        response = admin_client.post(
            changelist, {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"}
        )
        assert model.objects.filter(pk=obj.pk).exists(), model.__name__
        assert response.status_code in (200, 302)
