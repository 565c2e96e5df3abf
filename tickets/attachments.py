"""Attachment checks: size limit and a type allowlist judged on the content, not the name."""

import secrets
import zipfile
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
}
TEXT_EXTENSIONS = {".txt", ".log", ".csv", ".md", ".json", ".xml", ".ini", ".conf"}
EXECUTABLE_MAGIC = (b"MZ", b"\x7fELF", b"#!", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe")
ZIP_MAGIC = b"PK\x03\x04"
# OLE2 compound file: legacy Office, but also Windows installers (.msi), hence the stream check.
CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# Office Open XML is a ZIP holding [Content_Types].xml and the application's part folder; a
# ZIP without them named .docx is not a Word file.
OOXML = {
    ".docx": ("word/", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ".xlsx": ("xl/", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ".pptx": ("ppt/", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
}
# Legacy Office: the compound file's directory names the application's main stream (UTF-16).
LEGACY_OFFICE = {
    ".doc": (("WordDocument",), "application/msword"),
    ".xls": (("Workbook", "Book"), "application/vnd.ms-excel"),
    ".ppt": (("PowerPoint Document",), "application/vnd.ms-powerpoint"),
}
CONTAINER_EXTENSIONS = {".zip", *OOXML, *LEGACY_OFFICE}


def _refuse_mismatch(filename: str, kind: str):
    raise ApplicationError(
        _("“%(name)s” does not look like what its name says (content is %(type)s).")
        % {"name": filename, "type": kind}
    )


def sniff(head: bytes, filename: str, file=None) -> str:
    """The content type to store, or raise ApplicationError saying why the file is refused.

    `file` (seekable, binary) is the whole upload, read for containers (ZIP, Office files).
    """
    ext = PurePath(filename).suffix.lower()
    if head.startswith(EXECUTABLE_MAGIC):
        raise ApplicationError(
            _("“%(name)s” is a program; programs cannot be attached.") % {"name": filename}
        )
    if head.startswith(ZIP_MAGIC):
        return _sniff_zip(filename, ext, file)
    if head.startswith(CFB_MAGIC):
        return _sniff_compound(filename, ext, file)
    kind = filetype.guess(head)
    if kind is not None:
        allowed_ext = ALLOWED_BINARY.get(kind.mime)
        if allowed_ext is None:
            raise ApplicationError(
                _("Files of type %(type)s cannot be attached.") % {"type": kind.mime}
            )
        if ext not in allowed_ext:
            _refuse_mismatch(filename, kind.mime)
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


def _sniff_zip(filename: str, ext: str, file) -> str:
    if ext == ".zip":
        return "application/zip"
    if ext not in OOXML or file is None:
        _refuse_mismatch(filename, "application/zip")
    folder, mime = OOXML[ext]
    try:
        file.seek(0)
        names = zipfile.ZipFile(file).namelist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        names = []
    finally:
        file.seek(0)
    if "[Content_Types].xml" not in names or not any(n.startswith(folder) for n in names):
        _refuse_mismatch(filename, "application/zip")
    return mime


def _sniff_compound(filename: str, ext: str, file) -> str:
    if ext not in LEGACY_OFFICE or file is None:
        _refuse_mismatch(filename, "application/x-ole-storage")
    streams, mime = LEGACY_OFFICE[ext]
    file.seek(0)
    content = file.read()
    file.seek(0)
    if not any(name.encode("utf-16-le") in content for name in streams):
        _refuse_mismatch(filename, "application/x-ole-storage")
    return mime


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
    return sniff(head, upload.name, upload)


def new_token() -> str:
    return secrets.token_urlsafe(24)


def attachment_response(attachment, *, inline: bool = False) -> FileResponse:
    """A download; PNG and JPEG images may be shown inline (thumbnails, preview) when asked.
    Either way sandboxed and never sniffed. Callers have checked visibility."""
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=not (inline and attachment.is_previewable),
        filename=attachment.filename,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
