"""Attachment checks: size limit and a type allowlist judged on the content, not the name."""

import secrets
from pathlib import PurePath

import filetype
from django.conf import settings
from django.http import FileResponse
from django.utils.translation import gettext as _

from itsm.exceptions import ApplicationError

# Binary types recognised from their magic bytes.
ALLOWED_BINARY = {
    "image/png": {".png"},
    "image/jpeg": {".jpg", ".jpeg"},
    "image/gif": {".gif"},
    "image/webp": {".webp"},
    "application/pdf": {".pdf"},
    # Office files are ZIP containers; the extension tells which.
    "application/zip": {".zip", ".docx", ".xlsx", ".pptx"},
}
TEXT_EXTENSIONS = {".txt", ".log", ".csv", ".md", ".json", ".xml", ".ini", ".conf"}
EXECUTABLE_MAGIC = (b"MZ", b"\x7fELF", b"#!", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe")


def sniff(head: bytes, filename: str) -> str:
    """The content type to store, or raise ApplicationError saying why the file is refused."""
    ext = PurePath(filename).suffix.lower()
    if head.startswith(EXECUTABLE_MAGIC):
        raise ApplicationError(
            _("“%(name)s” is a program; programs cannot be attached.") % {"name": filename}
        )
    kind = filetype.guess(head)
    if kind is not None:
        allowed_ext = ALLOWED_BINARY.get(kind.mime)
        if allowed_ext is None:
            raise ApplicationError(
                _("Files of type %(type)s cannot be attached.") % {"type": kind.mime}
            )
        if ext not in allowed_ext:
            raise ApplicationError(
                _("“%(name)s” does not look like what its name says (content is %(type)s).")
                % {"name": filename, "type": kind.mime}
            )
        return kind.mime
    if ext in TEXT_EXTENSIONS and _is_text(head):
        return "text/plain"
    raise ApplicationError(
        _(
            "“%(name)s” is not an allowed type. Allowed: images, PDF, Office documents, ZIP, "
            "plain text."
        )
        % {"name": filename}
    )


def _is_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:
        # The sample may cut a multi-byte character at its end.
        return exc.start >= len(head) - 3
    return True


def check_upload(upload) -> str:
    """Validate an UploadedFile; returns its content type."""
    limit = settings.ATTACHMENT_MAX_BYTES
    if upload.size > limit:
        raise ApplicationError(
            _("“%(name)s” is %(size).1f MB; the limit is %(limit).0f MB.")
            % {"name": upload.name, "size": upload.size / 1e6, "limit": limit / 1e6}
        )
    if upload.size == 0:
        raise ApplicationError(_("“%(name)s” is empty.") % {"name": upload.name})
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    return sniff(head, upload.name)


def new_token() -> str:
    return secrets.token_urlsafe(24)


def attachment_response(attachment) -> FileResponse:
    """Always a download, never rendered by the browser; callers have checked visibility."""
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.filename,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
