"""Word, Excel and PowerPoint files are accepted by their structure; look-alikes are not."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from itsm.exceptions import ApplicationError
from tickets import services
from tickets.attachments import CFB_MAGIC
from tickets.models import Attachment

pytestmark = pytest.mark.django_db

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>'
)


def zip_of(entries) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in entries:
            archive.writestr(name, content)
    return buffer.getvalue()


def ooxml(folder: str, main: str) -> bytes:
    # What Word/Excel/PowerPoint write first: the content types, then the package relations.
    return zip_of(
        [
            ("[Content_Types].xml", CONTENT_TYPES),
            ("_rels/.rels", "<Relationships/>"),
            (f"{folder}/{main}", "<document/>"),
            ("docProps/core.xml", "<coreProperties/>"),
        ]
    )


def compound(stream: str) -> bytes:
    """A compound-file header and a directory entry naming `stream`, as legacy Office has."""
    return CFB_MAGIC + b"\x00" * 504 + stream.encode("utf-16-le") + b"\x00" * 400


DOCX = ooxml("word", "document.xml")
XLSX = ooxml("xl", "workbook.xml")
PPTX = ooxml("ppt", "presentation.xml")


@pytest.mark.parametrize(
    ("name", "content", "mime"),
    [
        ("报告.docx", DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml"),
        ("Budget.XLSX", XLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml"),
        ("deck.pptx", PPTX, "application/vnd.openxmlformats-officedocument.presentationml"),
        ("old.doc", compound("WordDocument"), "application/msword"),
        ("old.xls", compound("Workbook"), "application/vnd.ms-excel"),
        ("old.ppt", compound("PowerPoint Document"), "application/vnd.ms-powerpoint"),
        ("logs.zip", zip_of([("a.log", "x")]), "application/zip"),
    ],
)
def test_office_files_are_accepted(user_a1, ticket_a1, name, content, mime):
    attachment = services.attachment_add(
        actor=user_a1, ticket=ticket_a1, upload=SimpleUploadedFile(name, content)
    )
    assert attachment.content_type.startswith(mime)
    assert attachment.file.read() == content  # stored whole despite being inspected


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("report.docx", zip_of([("readme.txt", "hi")]), "does not look like"),
        ("report.docx", zip_of([("[Content_Types].xml", CONTENT_TYPES)]), "does not look like"),
        ("sheet.xlsx", DOCX, "does not look like"),  # a Word package named as a workbook
        ("report.docx", b"PK\x03\x04 truncated, not a zip", "does not look like"),
        ("report.docx", b"MZ\x90\x00" + DOCX, "is a program"),
        ("setup.doc", compound("MsiDigitalSignature"), "does not look like"),
        ("report.pdf", DOCX, "does not look like"),
        ("old.doc", zip_of([("x", "y")]), "does not look like"),
        ("installer.msi", compound("WordDocument"), "does not look like"),
    ],
)
def test_look_alikes_are_refused(user_a1, ticket_a1, name, content, reason):
    with pytest.raises(ApplicationError, match=reason):
        services.attachment_add(
            actor=user_a1, ticket=ticket_a1, upload=SimpleUploadedFile(name, content)
        )
    assert not Attachment.objects.exists()


def test_word_file_attached_through_the_portal_and_the_api(client, api_for, user_a1, ticket_a1):
    client.force_login(user_a1)
    response = client.post(
        reverse("portal:ticket-detail", args=[ticket_a1.pk]),
        {"action": "reply", "body": "see file", "files": [SimpleUploadedFile("a.docx", DOCX)]},
    )
    assert response.status_code == 302
    response = api_for(user_a1).post(
        f"/api/v1/tickets/{ticket_a1.pk}/attachments/",
        {"file": SimpleUploadedFile("b.xlsx", XLSX)},
        format="multipart",
    )
    assert response.status_code == 201, response.content
    assert sorted(ticket_a1.attachments.values_list("filename", flat=True)) == ["a.docx", "b.xlsx"]
