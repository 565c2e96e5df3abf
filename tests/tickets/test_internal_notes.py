"""Internal notes (and internal files) never reach end users or client managers."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tickets import services

pytestmark = pytest.mark.django_db

NOTE = "内部备注 internal-only: the user is difficult"


@pytest.fixture
def noted(ticket_a1, agent_a):
    services.ticket_reply(
        actor=agent_a,
        ticket=ticket_a1,
        body=NOTE,
        internal=True,
        files=[SimpleUploadedFile("internal.txt", b"internal file body")],
    )
    services.ticket_reply(actor=agent_a, ticket=ticket_a1, body="Public answer")
    return ticket_a1


def test_agent_sees_note_in_workspace_and_api(noted, login, api_for, agent_a):
    assert (
        NOTE
        in login(agent_a).get(reverse("tickets:ticket-workspace", args=[noted.pk])).content.decode()
    )
    events = api_for(agent_a).get(f"/api/v1/tickets/{noted.pk}/events/").json()["results"]
    bodies = [e["body"] for e in events]
    assert NOTE in bodies


@pytest.mark.parametrize("who", ["user_a1", "manager_a"])
def test_client_side_never_sees_notes(request, noted, login, api_for, who):
    user = request.getfixturevalue(who)
    url = "portal:ticket-detail" if who == "user_a1" else "tickets:ticket-client-detail"
    page = login(user).get(reverse(url, args=[noted.pk])).content.decode()
    assert "Public answer" in page
    assert NOTE not in page and "internal.txt" not in page
    api = api_for(user)
    events = api.get(f"/api/v1/tickets/{noted.pk}/events/").json()
    assert NOTE not in str(events) and "Public answer" in str(events)
    files = api.get(f"/api/v1/tickets/{noted.pk}/attachments/").json()
    assert files["results"] == []


@pytest.mark.parametrize("who", ["user_a1", "manager_a"])
def test_client_side_cannot_download_internal_file(request, noted, login, who):
    attachment = noted.attachments.get(filename="internal.txt")
    web = login(request.getfixturevalue(who))
    assert web.get(reverse("tickets:attachment-download", args=[attachment.pk])).status_code == 404


def test_end_user_cannot_write_a_note(api_for, user_a1, ticket_a1):
    response = api_for(user_a1).post(
        f"/api/v1/tickets/{ticket_a1.pk}/events/",
        {"body": "sneaky", "internal": True},
        format="json",
    )
    assert response.status_code == 403
    assert not ticket_a1.events.filter(body="sneaky").exists()
