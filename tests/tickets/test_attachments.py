"""Attachments: size limit, type allowlist on content, permission-checked download."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from itsm.exceptions import ApplicationError
from tickets import services
from tickets.models import Attachment

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n"


def upload(name, content):
    return SimpleUploadedFile(name, content)


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("screen.png", PNG, "image/png"),
        ("manual.pdf", PDF, "application/pdf"),
        ("error.log", "错误日志 line 1\n".encode(), "text/plain"),
    ],
)
def test_allowed_types_are_stored(user_a1, ticket_a1, name, content, kind):
    attachment = services.attachment_add(
        actor=user_a1, ticket=ticket_a1, upload=upload(name, content)
    )
    assert attachment.content_type == kind and attachment.size == len(content)
    assert attachment.token not in name and name not in attachment.file.name


def test_too_large_is_refused(settings, user_a1, ticket_a1):
    settings.ATTACHMENT_MAX_BYTES = 1000
    with pytest.raises(ApplicationError, match="the limit is"):
        services.attachment_add(
            actor=user_a1, ticket=ticket_a1, upload=upload("big.txt", b"a" * 1001)
        )
    assert not Attachment.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("invoice.pdf", b"MZ\x90\x00\x03" + b"\x00" * 100, "is a program"),
        ("photo.png", b"\x7fELF\x02\x01\x01" + b"\x00" * 100, "is a program"),
        ("notes.txt", b"#!/bin/sh\nrm -rf /\n", "is a program"),
        ("screen.png", PDF, "does not look like"),
        ("tool.exe", b"hello", "not an allowed type"),
        ("data.bin", b"\x00\x01\x02\x03", "not an allowed type"),
    ],
)
def test_bad_files_are_refused(user_a1, ticket_a1, name, content, reason):
    with pytest.raises(ApplicationError, match=reason):
        services.attachment_add(actor=user_a1, ticket=ticket_a1, upload=upload(name, content))
    assert not Attachment.objects.exists()


def test_refused_file_on_new_ticket_saves_nothing_and_explains(login, user_a1):
    response = login(user_a1).post(
        reverse("portal:ticket-new"),
        {
            "subject": "带附件",
            "description": "见附件",
            "impact": 3,
            "urgency": 2,
            "files": [upload("virus.pdf", b"MZ" + b"\x00" * 50)],
        },
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "is a program" in body and "带附件" in body
    from tickets.models import Ticket

    assert not Ticket.objects.exists()


def test_download_is_permission_checked(login, user_a1, user_a2, agent_a, agent_b, ticket_a1):
    attachment = services.attachment_add(
        actor=user_a1, ticket=ticket_a1, upload=upload("a.txt", b"hello")
    )
    url = reverse("tickets:attachment-download", args=[attachment.pk])
    response = login(user_a1).get(url)
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"hello"
    assert response["Content-Disposition"].startswith("attachment")
    assert login(agent_a).get(url).status_code == 200
    assert login(user_a2).get(url).status_code == 404
    assert login(agent_b).get(url).status_code == 404


def test_api_upload_and_download(api_for, user_a1, ticket_a1):
    api = api_for(user_a1)
    response = api.post(
        f"/api/v1/tickets/{ticket_a1.pk}/attachments/",
        {"file": upload("x.png", PNG)},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    download = api.get(response.json()["download_url"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == PNG
    bad = api.post(
        f"/api/v1/tickets/{ticket_a1.pk}/attachments/",
        {"file": upload("x.png", b"MZ" + b"0" * 10)},
        format="multipart",
    )
    assert bad.status_code == 400 and "program" in bad.json()["detail"]
