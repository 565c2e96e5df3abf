"""What each vendor's robot expects: URL rules, request body, signature, and its answer.

WeCom (企业微信群机器人): POST {"msgtype": "markdown", "markdown": {"content": ...}} to
  https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=...; no signing; answers {"errcode": 0}.
DingTalk (钉钉自定义机器人): POST {"msgtype": "markdown", "markdown": {"title", "text"}} to
  https://oapi.dingtalk.com/robot/send?access_token=...; when signing is on, `timestamp` (ms) and
  `sign` = urlencode(base64(HMAC-SHA256(key=secret, msg="{timestamp}\\n{secret}"))) are added to
  the query; answers {"errcode": 0}.
Feishu (飞书自定义机器人): POST {"msg_type": "interactive", "card": ...} to
  https://open.feishu.cn/open-apis/bot/v2/hook/...; when signing is on, the body carries
  `timestamp` (seconds, a string) and `sign` = base64(HMAC-SHA256(key="{timestamp}\\n{secret}",
  msg=b"")); answers {"code": 0}.
"""

import base64
import hashlib
import hmac
import ipaddress
import json
from urllib.parse import parse_qsl, quote_plus, urlencode, urlsplit, urlunsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .models import Vendor

HOSTS = {
    Vendor.WECOM: ("qyapi.weixin.qq.com",),
    Vendor.DINGTALK: ("oapi.dingtalk.com",),
    Vendor.FEISHU: ("open.feishu.cn", "open.larksuite.com"),
}
EXAMPLES = {
    Vendor.WECOM: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…",
    Vendor.DINGTALK: "https://oapi.dingtalk.com/robot/send?access_token=…",
    Vendor.FEISHU: "https://open.feishu.cn/open-apis/bot/v2/hook/…",
}


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def loopback_allowed() -> bool:
    """A local test server (http on 127.0.0.1) is accepted only in DEBUG or when allowed."""
    return bool(settings.DEBUG or settings.ROBOTS_ALLOW_LOOPBACK)


def validate_url(vendor: str, url: str) -> str:
    """The vendor's own https host (no SSRF to internal hosts), or loopback where allowed."""
    url = url.strip()
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if is_loopback(host) and loopback_allowed() and parts.scheme in ("http", "https"):
        return url
    if parts.scheme != "https":
        raise ValidationError(_("The webhook URL must start with https://."), code="scheme")
    if host not in HOSTS.get(vendor, ()) or parts.username or parts.password:
        raise ValidationError(
            _("This is not a webhook URL of this kind of robot; it looks like %(example)s")
            % {"example": EXAMPLES.get(vendor, "")},
            code="host",
        )
    if parts.port not in (None, 443):
        raise ValidationError(_("The webhook URL must use the standard https port."), code="port")
    return url


def mask_url(url: str) -> str:
    """Scheme, host and the last four characters: recognisable, not usable."""
    parts = urlsplit(url)
    tail = url[-4:] if len(url) > 24 else ""
    return f"{parts.scheme}://{parts.hostname or ''}/…{tail}"


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """Base64 of HMAC-SHA256(secret, "{timestamp}\\n{secret}"); URL-encoded by the caller."""
    digest = hmac.new(
        secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256
    ).digest()
    return base64.b64encode(digest).decode()


def _without_heading(text: str) -> str:
    first, _newline, rest = text.partition("\n")
    return rest if first.startswith("### ") else text


def feishu_sign(secret: str, timestamp_s: int) -> str:
    """Base64 of HMAC-SHA256 keyed by "{timestamp}\\n{secret}" over an empty message."""
    digest = hmac.new(f"{timestamp_s}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def _with_query(url: str, extra: dict[str, str]) -> str:
    parts = urlsplit(url)
    query = [*parse_qsl(parts.query, keep_blank_values=True), *extra.items()]
    return urlunsplit(parts._replace(query=urlencode(query, quote_via=quote_plus)))


def request_for(
    *, vendor: str, url: str, secret: str, title: str, text: str, now_s: float
) -> tuple[str, bytes]:
    """(URL to POST to, JSON body) for one message. `text` is Markdown starting with its title."""
    if vendor == Vendor.WECOM:
        body = {"msgtype": "markdown", "markdown": {"content": text}}
    elif vendor == Vendor.DINGTALK:
        body = {"msgtype": "markdown", "markdown": {"title": title, "text": text}}
        if secret:
            timestamp = int(now_s * 1000)
            url = _with_query(
                url, {"timestamp": str(timestamp), "sign": dingtalk_sign(secret, timestamp)}
            )
    elif vendor == Vendor.FEISHU:
        body = {
            "msg_type": "interactive",
            "card": {
                "header": {"title": {"tag": "plain_text", "content": title}},
                # The header carries the title; lark_md shows no "###" headings.
                "elements": [
                    {"tag": "div", "text": {"tag": "lark_md", "content": _without_heading(text)}}
                ],
            },
        }
        if secret:
            timestamp = int(now_s)
            body = {"timestamp": str(timestamp), "sign": feishu_sign(secret, timestamp), **body}
    else:
        raise ValueError(f"unknown robot kind {vendor!r}")
    return url, json.dumps(body, ensure_ascii=False).encode()


def answer_error(vendor: str, raw: bytes) -> str:
    """The vendor's error in a 200 answer ("" when it accepted the message)."""
    try:
        answer = json.loads(raw.decode("utf-8", errors="replace") or "{}")
    except ValueError:
        return "answer is not JSON"
    if not isinstance(answer, dict):
        return "answer is not a JSON object"
    field = "code" if vendor == Vendor.FEISHU else "errcode"
    code = answer.get(field, answer.get("StatusCode", 0) if vendor == Vendor.FEISHU else 0)
    if code in (0, "0", None):
        return ""
    message = answer.get("msg") or answer.get("errmsg") or ""
    return f"{field} {code}: {str(message)[:150]}"
