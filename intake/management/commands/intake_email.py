"""Take one raw message from standard input: the MTA pipe door of the email channel.

/etc/aliases:  service: "|/srv/itsm/.venv/bin/python /srv/itsm/manage.py intake_email"
"""

import sys

from django.core.management.base import BaseCommand
from django.utils import timezone

from intake.services import intake_message


class Command(BaseCommand):
    help = "Read one email (RFC 5322, raw bytes) from stdin and take it in."

    def handle(self, *args, **options):
        raw = sys.stdin.buffer.read()
        if not raw.strip():
            # Exit status 0 would tell the MTA the message was delivered; it was not.
            self.stderr.write("no message on standard input")
            sys.exit(75)  # EX_TEMPFAIL: the MTA keeps the message and retries
        row = intake_message(raw=raw, now=timezone.now())
        self.stdout.write(f"{row.pk} {row.status} {row.reason}".rstrip())
