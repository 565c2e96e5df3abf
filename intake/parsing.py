"""Reading a raw message: headers, the text body, attachments and whether a robot sent it.

Never raises: malformed MIME, unknown charsets and truncated parts give the best text the
message allows, and the raw bytes are kept by the caller whatever happens here.
"""

import re
from dataclasses import dataclass, field
from email import policy
from email.header import decode_header
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr

from .charsets import decode_bytes, repair_header
from .html_text import html_to_text

# A subject naming a ticket: "[HX-000123]" (client code, dash, six or more digits).
REFERENCE = re.compile(r"\[([A-Z][A-Z0-9]{1,9}-\d{6,})\]")
MESSAGE_ID = re.compile(r"<[^<>\s]{1,250}>")
AUTO_SUBJECT = re.compile(
    r"^\s*(自动回复|自動回覆|自动答复|Automatic reply|Auto(matic)?[- ]?(reply|response)|"
    r"Out of (the )?Office|Undeliverable|Undelivered Mail|Delivery Status Notification|"
    r"Mail delivery failed|Returned mail|退信|系统退信)",
    re.I,
)
ROBOT_SENDERS = re.compile(r"^(mailer-daemon|postmaster|no-?reply|do-?not-?reply)@", re.I)
MAX_TEXT = 100_000


@dataclass
class Attachment:
    filename: str
    content_type: str
    data: bytes


@dataclass
class ParsedMessage:
    message_id: str = ""
    from_address: str = ""
    from_name: str = ""
    subject: str = ""
    in_reply_to: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    text: str = ""
    attachments: list[Attachment] = field(default_factory=list)
    robot_reason: str = ""  # why this looks automatic ('' for a person's mail)
    problems: list[str] = field(default_factory=list)

    @property
    def ticket_reference(self) -> str:
        found = REFERENCE.search(self.subject)
        return found.group(1) if found else ""

    @property
    def thread_ids(self) -> list[str]:
        return [*self.in_reply_to, *self.references]


def header_text(value) -> str:
    """A header as text, decoding RFC 2047 words with widened charsets and raw 8-bit bytes."""
    if value is None:
        return ""
    raw = repair_header(str(value))
    if "=?" not in raw:
        return " ".join(raw.split())
    try:
        parts = decode_header(raw)
    except Exception:  # noqa: BLE001 - a broken encoded word stays as written
        return " ".join(raw.split())
    text = "".join(
        decode_bytes(chunk, charset) if isinstance(chunk, bytes) else chunk
        for chunk, charset in parts
    )
    return " ".join(text.split())


def _raw_header(message: EmailMessage, name: str) -> str | None:
    """The header as it came (policy.default would decode gb2312 words without widening)."""
    for key, value in message.raw_items():
        if key.lower() == name.lower():
            return value
    return None


def parse(raw: bytes, *, headers_only: bool = False) -> ParsedMessage:
    parsed = ParsedMessage()
    try:
        message = BytesParser(policy=policy.default).parsebytes(raw, headersonly=headers_only)
    except Exception as exc:  # noqa: BLE001 - the raw message is kept; staff read it
        parsed.problems.append(f"unparseable: {type(exc).__name__}")
        return parsed
    _read_headers(message, parsed)
    parsed.robot_reason = _robot_reason(message, parsed)
    if not headers_only:
        try:
            _read_body(message, parsed)
        except Exception as exc:  # noqa: BLE001 - keep what was read so far
            parsed.problems.append(f"body: {type(exc).__name__}")
    parsed.text = parsed.text[:MAX_TEXT]
    return parsed


def _read_headers(message: EmailMessage, parsed: ParsedMessage) -> None:
    parsed.subject = header_text(_raw_header(message, "Subject"))[:300]
    sender = _raw_header(message, "From") or _raw_header(message, "Sender") or ""
    name, address = parseaddr(header_text(sender))
    if "@" not in address:
        addresses = getaddresses([header_text(sender)])
        name, address = addresses[0] if addresses else ("", "")
    parsed.from_name = name[:200]
    parsed.from_address = address.strip().lower()[:254] if "@" in address else ""
    parsed.message_id = " ".join(MESSAGE_ID.findall(_raw_header(message, "Message-ID") or ""))[:255]
    parsed.in_reply_to = MESSAGE_ID.findall(_raw_header(message, "In-Reply-To") or "")[:20]
    parsed.references = MESSAGE_ID.findall(_raw_header(message, "References") or "")[-50:]
    for defect in getattr(message, "defects", []):
        parsed.problems.append(type(defect).__name__)


def _robot_reason(message: EmailMessage, parsed: ParsedMessage) -> str:
    auto = (_raw_header(message, "Auto-Submitted") or "").strip().lower()
    if auto and auto != "no":
        return f"Auto-Submitted: {auto}"[:200]
    for name in ("X-Autoreply", "X-Autorespond", "X-Autoresponse", "X-Auto-Reply"):
        if _raw_header(message, name) is not None:
            return name
    precedence = (_raw_header(message, "Precedence") or "").strip().lower()
    if precedence in {"bulk", "junk", "list", "auto_reply"}:
        return f"Precedence: {precedence}"
    content_type = message.get_content_type()
    report = (message.get_param("report-type") or "").lower() if content_type else ""
    if content_type == "multipart/report" or report == "delivery-status":
        return "delivery status notification"
    if ROBOT_SENDERS.match(parsed.from_address) or not parsed.from_address:
        return f"sender {parsed.from_address or '(none)'}"
    if AUTO_SUBJECT.match(parsed.subject):
        return "auto-reply subject"
    return ""


def _part_text(part) -> str:
    payload = part.get_payload(decode=True)
    if payload is None:
        payload = str(part.get_payload() or "").encode("utf-8", errors="surrogateescape")
    return decode_bytes(payload, part.get_content_charset())


def _filename(part) -> str:
    raw = part.get_param("filename", header="content-disposition") or part.get_param("name")
    if raw is None:
        return ""
    if isinstance(raw, tuple):  # RFC 2231: (charset, language, value)
        charset, _lang, value = raw
        data = value.encode("latin-1", errors="replace") if isinstance(value, str) else value
        return decode_bytes(data, charset)
    return header_text(raw).replace("/", "_").replace("\\", "_").strip()[:200]


def _read_body(message: EmailMessage, parsed: ParsedMessage) -> None:
    plain, html = [], []
    for part in message.walk():
        if part.is_multipart():
            continue
        content_type = part.get_content_type()
        filename = _filename(part)
        disposition = (part.get_content_disposition() or "").lower()
        if filename or disposition == "attachment" or not content_type.startswith("text/"):
            if content_type.startswith("message/") or content_type.startswith("multipart/"):
                continue
            data = part.get_payload(decode=True) or b""
            if data:
                parsed.attachments.append(Attachment(filename or "attachment", content_type, data))
            continue
        if content_type == "text/html":
            html.append(_part_text(part))
        elif content_type == "text/plain":
            plain.append(_part_text(part))
    if plain:
        parsed.text = "\n\n".join(text.strip() for text in plain)
    elif html:
        parsed.text = "\n\n".join(html_to_text(text) for text in html)
    parsed.text = parsed.text.replace("\r\n", "\n").replace("\x00", "").strip()
