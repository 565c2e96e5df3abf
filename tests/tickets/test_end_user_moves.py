"""End users: withdraw with a reason, reopen saying what is still wrong, no duplicate tickets
from a resubmitted form or a retried API call, image thumbnails."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import make_ticket
from tickets import services
from tickets.models import Status, Ticket

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64


def detail(ticket):
    return reverse("portal:ticket-detail", args=[ticket.pk])


def test_withdraw_asks_for_confirmation_and_a_reason_without_javascript(login, user_a1, ticket_a1):
    web = login(user_a1)
    page = web.get(detail(ticket_a1)).content.decode()
    # A closed <details> holds the confirmation and a required reason: no one-click cancel.
    withdraw = page[page.index('<details class="card withdraw"') :]
    withdraw = withdraw[: withdraw.index("</details>")]
    assert 'value="withdraw"' in withdraw and 'name="reason"' in withdraw and "required" in withdraw
    assert page.index('value="reply"') < page.index('value="withdraw"')  # under the send button

    refused = web.post(detail(ticket_a1), {"action": "withdraw", "reason": "  "})
    assert refused.status_code == 400
    assert '<details class="card withdraw" open' in refused.content.decode()
    ticket_a1.refresh_from_db()
    assert ticket_a1.status == Status.NEW

    done = web.post(detail(ticket_a1), {"action": "withdraw", "reason": "打印机自己好了"})
    assert done.status_code == 302
    ticket_a1.refresh_from_db()
    assert ticket_a1.status == Status.CANCELLED
    assert ticket_a1.events.get(kind="status", new_value="cancelled").body == "打印机自己好了"


def test_reopen_asks_what_is_still_wrong_and_that_becomes_the_reply(
    login, agent_a, user_a1, ticket_a1
):
    services.ticket_assign(actor=agent_a, ticket=ticket_a1, agent=agent_a)
    services.ticket_change_status(actor=agent_a, ticket=ticket_a1, status=Status.RESOLVED)
    web = login(user_a1)
    page = web.get(detail(ticket_a1)).content.decode()
    assert 'value="reopen"' in page and 'id="id_reopen_reason"' in page

    refused = web.post(detail(ticket_a1), {"action": "reopen", "reason": ""})
    assert refused.status_code == 400
    ticket_a1.refresh_from_db()
    assert ticket_a1.status == Status.RESOLVED

    web.post(detail(ticket_a1), {"action": "reopen", "reason": "Still jams on tray 2"})
    ticket_a1.refresh_from_db()
    assert ticket_a1.status == Status.REOPENED
    reply = ticket_a1.events.get(kind="reply")
    assert reply.body == "Still jams on tray 2" and reply.actor == user_a1


def test_api_reopen_with_a_comment_makes_it_the_reply(api_for, agent_a, user_a1, ticket_a1):
    services.ticket_assign(actor=agent_a, ticket=ticket_a1, agent=agent_a)
    ticket = services.ticket_change_status(actor=agent_a, ticket=ticket_a1, status=Status.RESOLVED)
    response = api_for(user_a1).post(
        f"/api/v1/tickets/{ticket.pk}/status/",
        {"status": "reopened", "version": ticket.version, "comment": "not fixed"},
        format="json",
    )
    assert response.status_code == 200, response.content
    assert ticket.events.get(kind="reply").body == "not fixed"


def new_ticket_form(web, site_a, token, subject="Monitor flickers"):
    return web.post(
        reverse("portal:ticket-new"),
        {
            "token": token,
            "subject": subject,
            "description": "since this morning",
            "impact": 3,
            "urgency": 2,
            "site": site_a.pk,
        },
    )


def test_resubmitting_the_new_ticket_form_shows_the_first_ticket(login, user_a1, site_a):
    web = login(user_a1)
    page = web.get(reverse("portal:ticket-new")).content.decode()
    marker = 'name="token" value="'
    token = page[page.index(marker) + len(marker) :].split('"', 1)[0]
    assert len(token) >= 20

    first = new_ticket_form(web, site_a, token)
    ticket = Ticket.objects.get()
    assert first.status_code == 302 and first.url == detail(ticket)
    # Back, then Submit again (even after editing the text): the same ticket, no duplicate.
    again = new_ticket_form(web, site_a, token, subject="Monitor flickers!")
    assert again.status_code == 302 and again.url == detail(ticket)
    assert Ticket.objects.count() == 1
    messages = [str(m) for m in again.wsgi_request._messages]
    assert any(ticket.reference in m for m in messages)

    # A fresh form is a new ticket.
    new_ticket_form(web, site_a, "another-token-0123456789")
    assert Ticket.objects.count() == 2


def test_an_invalid_first_post_does_not_use_up_the_token(login, user_a1, site_a):
    web = login(user_a1)
    bad = web.post(reverse("portal:ticket-new"), {"token": "tok-123456789012345", "subject": ""})
    assert bad.status_code == 400 and 'value="tok-123456789012345"' in bad.content.decode()
    assert new_ticket_form(web, site_a, "tok-123456789012345").status_code == 302
    assert Ticket.objects.count() == 1


def test_the_token_is_per_person(login, user_a1, user_a2, site_a, site_a2):
    new_ticket_form(login(user_a1), site_a, "shared-token-123456789")
    new_ticket_form(login(user_a2), site_a2, "shared-token-123456789")
    assert Ticket.objects.count() == 2


def test_api_idempotency_key(api_for, user_a1, user_a2):
    api = api_for(user_a1)
    body = {"subject": "VPN down", "description": "timeout"}
    first = api.post("/api/v1/tickets/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    again = api.post("/api/v1/tickets/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == 201 and again.status_code == 200
    assert again.json() == first.json()
    assert Ticket.objects.count() == 1

    other_body = {"subject": "VPN down", "description": "different"}
    reused = api.post("/api/v1/tickets/", other_body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert reused.status_code == 422 and reused.json()["code"] == "idempotency_key_reused"

    someone_else = api_for(user_a2).post(
        "/api/v1/tickets/", body, format="json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    assert someone_else.status_code == 201 and someone_else.json()["id"] != first.json()["id"]
    no_key = [api.post("/api/v1/tickets/", body, format="json") for _ in range(2)]
    assert [r.status_code for r in no_key] == [201, 201]
    too_long = api.post("/api/v1/tickets/", body, format="json", HTTP_IDEMPOTENCY_KEY="k" * 300)
    assert too_long.status_code == 400
    assert Ticket.objects.count() == 4


def test_a_refused_create_does_not_use_up_the_key(api_for, user_a1):
    api = api_for(user_a1)
    bad = api.post(
        "/api/v1/tickets/",
        {"subject": "  ", "description": "x"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k-2",
    )
    assert bad.status_code == 400
    good = api.post(
        "/api/v1/tickets/",
        {"subject": "ok", "description": "x"},
        format="json",
        HTTP_IDEMPOTENCY_KEY="k-2",
    )
    assert good.status_code == 201


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [("screen.png", PNG, "image/png"), ("photo.jpg", JPEG, "image/jpeg")],
)
def test_images_show_as_thumbnails_served_inline_and_sandboxed(
    login, user_a1, ticket_a1, name, content, content_type
):
    services.ticket_reply(
        actor=user_a1,
        ticket=ticket_a1,
        body="see picture",
        files=[SimpleUploadedFile(name, content)],
    )
    attachment = ticket_a1.attachments.get()
    assert attachment.content_type == content_type
    web = login(user_a1)
    page = web.get(detail(ticket_a1)).content.decode()
    url = reverse("tickets:attachment-download", args=[attachment.pk])
    assert f'<img src="{url}?inline=1"' in page
    inline = web.get(url + "?inline=1")
    assert inline.status_code == 200 and inline["Content-Type"] == content_type
    assert not inline.get("Content-Disposition", "").startswith("attachment")
    assert "sandbox" in inline["Content-Security-Policy"]
    assert inline["X-Content-Type-Options"] == "nosniff"
    download = web.get(url)
    assert download["Content-Disposition"].startswith("attachment")


def test_other_files_never_show_inline(login, user_a1, ticket_a1):
    services.ticket_reply(
        actor=user_a1,
        ticket=ticket_a1,
        body="log",
        files=[SimpleUploadedFile("a.txt", b"<html><script>alert(1)</script>")],
    )
    attachment = ticket_a1.attachments.get()
    web = login(user_a1)
    assert "<img" not in web.get(detail(ticket_a1)).content.decode()
    url = reverse("tickets:attachment-download", args=[attachment.pk])
    assert web.get(url + "?inline=1")["Content-Disposition"].startswith("attachment")


def test_another_clients_image_is_not_served_inline(login, user_b1, user_a1):
    ticket = make_ticket(requester=user_a1)
    services.ticket_reply(
        actor=user_a1, ticket=ticket, body="x", files=[SimpleUploadedFile("s.png", PNG)]
    )
    url = reverse("tickets:attachment-download", args=[ticket.attachments.get().pk])
    assert login(user_b1).get(url + "?inline=1").status_code == 404
