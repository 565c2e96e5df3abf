"""Fetching the service mailbox over IMAP (stdlib imaplib); the Celery task calls this."""

import contextlib
import imaplib
import logging
from collections.abc import Callable

from django.conf import settings

from .services import intake_message

log = logging.getLogger(__name__)
BATCH = 50


def imap_connect():
    connection_class = imaplib.IMAP4_SSL if settings.IMAP_SSL else imaplib.IMAP4
    connection = connection_class(settings.IMAP_HOST, settings.IMAP_PORT, timeout=30)
    connection.login(settings.IMAP_USER, settings.IMAP_PASSWORD)
    return connection


def imap_fetch(*, now, connect: Callable = imap_connect, batch: int = BATCH) -> int:
    """Take in up to `batch` unseen messages; returns how many were taken in.

    A message is marked \\Seen (or moved to IMAP_DONE_FOLDER) only after its intake row is
    committed: a crash in between leaves it unseen, and the retry is recognised by its
    Message-ID instead of filed twice.
    """
    if not settings.IMAP_HOST:
        return 0
    connection = connect()
    done = 0
    try:
        status, _ = connection.select(settings.IMAP_FOLDER)
        if status != "OK":
            raise imaplib.IMAP4.error(f"cannot select {settings.IMAP_FOLDER}")
        status, data = connection.uid("SEARCH", None, "UNSEEN")
        uids = data[0].split()[:batch] if status == "OK" and data and data[0] else []
        for uid in uids:
            # BODY.PEEK leaves \Seen unset until the row is safely stored.
            status, parts = connection.uid("FETCH", uid, "(BODY.PEEK[])")
            raw = next((p[1] for p in parts or [] if isinstance(p, tuple)), None)
            if status != "OK" or raw is None:
                log.warning("IMAP fetch of uid %s failed: %s", uid, status)
                continue
            intake_message(raw=raw, now=now)
            _mark_done(connection, uid)
            done += 1
        if settings.IMAP_DONE_FOLDER:
            connection.expunge()
    finally:
        # The server may already have closed the connection.
        with contextlib.suppress(Exception):
            connection.logout()
    return done


def _mark_done(connection, uid) -> None:
    if settings.IMAP_DONE_FOLDER:
        connection.uid("COPY", uid, settings.IMAP_DONE_FOLDER)
        connection.uid("STORE", uid, "+FLAGS", "(\\Deleted \\Seen)")
    else:
        connection.uid("STORE", uid, "+FLAGS", "(\\Seen)")
