"""The robots' outbox: rows written in the caller's transaction, posted by Celery after commit.

Same spirit as itsm/outbox.py: if the broker is down the row waits for the periodic drain. A
sender claims a row with one conditional UPDATE before any HTTP traffic, so two senders never
post it twice at once. Failures (network, HTTP status, the vendor's error code in a 200 answer)
are retried with exponential backoff up to MAX_ATTEMPTS, then the row is marked as given up.
Each request has a short timeout: a hung robot delays its own messages only, never the sweep
(which only inserts rows) and never a web request.
"""

import logging
import time
import urllib.error
import urllib.request
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from itsm.outbox import claim, due_filter

from .models import RobotMessage
from .vendors import answer_error, request_for

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 6
FIRST_RETRY = timedelta(seconds=30)
LONGEST_WAIT = timedelta(hours=1)
# A claimed row whose sender never reported back (worker killed mid-request) is tried again
# after this; the vendors show a rare duplicate, which beats a lost alert.
UNCONFIRMED_RETRY_AFTER = timedelta(minutes=5)
ANSWER_LIMIT = 64 * 1024


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, 4 min ... capped at an hour."""
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_WAIT)


def messages_enqueue(rows: list[RobotMessage]) -> list[RobotMessage]:
    """Insert the rows (skipping any a robot already has for that key) and post them after
    commit: one INSERT and one broker message for any number."""
    if not rows:
        return []
    keys = {(row.target_id, row.key) for row in rows}
    already = set(
        RobotMessage.objects.filter(
            target_id__in={t for t, _k in keys}, key__in={k for _t, k in keys}
        ).values_list("target_id", "key")
    )
    fresh = {(r.target_id, r.key): r for r in rows if (r.target_id, r.key) not in already}
    created = RobotMessage.objects.bulk_create(fresh.values(), ignore_conflicts=True)
    ids = (
        list(
            RobotMessage.objects.filter(
                target_id__in={t for t, _k in fresh}, key__in={k for _t, k in fresh}
            ).values_list("pk", flat=True)
        )
        if fresh
        else []
    )
    if ids:
        transaction.on_commit(lambda: messages_dispatch(ids))
    return created


def messages_dispatch(message_ids: list[int]) -> None:
    from .tasks import robot_messages_send

    try:
        robot_messages_send.delay(message_ids)
    except Exception as exc:  # broker down: the drain sends them later
        log.warning(
            "broker unreachable, %s robot messages left for the drain: %s", len(message_ids), exc
        )


def message_claim(*, message_id: int, now) -> RobotMessage | None:
    unsent = RobotMessage.objects.filter(
        pk=message_id, sent_at__isnull=True, failed_at__isnull=True
    )
    if not claim(unsent, now=now, retry_after=UNCONFIRMED_RETRY_AFTER):
        return None
    return RobotMessage.objects.select_related("target__team").get(pk=message_id)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A robot URL that redirects is refused: the body must not follow it to another host."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def post(url: str, body: bytes) -> bytes:
    """POST JSON; the answer's first ANSWER_LIMIT bytes. Raises on network errors, non-2xx."""
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    with _opener.open(request, timeout=settings.ROBOTS_HTTP_TIMEOUT) as response:
        return response.read(ANSWER_LIMIT)


def describe(exc: Exception) -> str:
    """An error as stored and shown: never the URL (it holds the robot's key)."""
    if isinstance(exc, urllib.error.HTTPError):
        return f"HTTP {exc.code}"
    if isinstance(exc, urllib.error.URLError):
        exc = exc.reason if isinstance(exc.reason, Exception) else exc
        if isinstance(exc, urllib.error.URLError):
            return f"URLError: {str(exc.reason)[:200]}"
    if isinstance(exc, TimeoutError):
        return "timed out"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    return f"{type(exc).__name__}: {str(exc)[:200]}"


def message_send(*, message_id: int, now=None) -> bool:
    """Post one stored message unless sent, given up, not due or claimed; True if delivered."""
    now = now or timezone.now()
    message = message_claim(message_id=message_id, now=now)
    if message is None:
        return False
    target = message.target
    error = ""
    if not target.is_active:
        error = "robot disabled"
    else:
        try:
            if not message.text:  # rendered once, so every retry posts the very same text
                from .messages import message_render

                message.title, message.text = message_render(message)
                RobotMessage.objects.filter(pk=message.pk).update(
                    title=message.title, text=message.text
                )
            url, body = request_for(
                vendor=target.vendor,
                url=target.url,
                secret=target.secret,
                title=message.title,
                text=message.text,
                now_s=time.time(),
            )
            error = answer_error(target.vendor, post(url, body))
        except Exception as exc:  # network, HTTP status, a row deleted since: retried
            error = describe(exc)
    if not error:
        RobotMessage.objects.filter(pk=message.pk).update(
            sent_at=timezone.now(), last_error="", next_attempt_at=None
        )
        return True
    # The robot's id only: its URL is a credential and stays out of the logs.
    log.warning("robot %s message %s failed: %s", target.pk, message.pk, error)
    if message.attempts >= MAX_ATTEMPTS or error == "robot disabled":
        changes = {"failed_at": timezone.now(), "next_attempt_at": None}
    else:
        changes = {"next_attempt_at": timezone.now() + backoff(message.attempts)}
    RobotMessage.objects.filter(pk=message.pk).update(last_error=error[:300], **changes)
    return False


def robots_drain(*, limit: int = 200, now=None) -> int:
    """Send what is unsent and due: enqueued while the broker was down, or failed before."""
    now = now or timezone.now()
    ids = list(
        RobotMessage.objects.filter(due_filter(now), sent_at__isnull=True, failed_at__isnull=True)
        .order_by("id")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(message_send(message_id=pk, now=now) for pk in ids)
