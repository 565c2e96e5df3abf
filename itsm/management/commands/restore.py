from pathlib import Path

import dj_database_url
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection

from itsm.backups import restore


class Command(BaseCommand):
    help = "Restore a backup directory into DATABASE_URL and MEDIA_ROOT (an empty database only)."

    def add_arguments(self, parser):
        parser.add_argument("source", help="A backup directory (var/backups/<timestamp>).")
        parser.add_argument("--force", action="store_true", help="Replace a non-empty database.")
        parser.add_argument("--database-url", help="Target database (default DATABASE_URL).")
        parser.add_argument("--media-root", help="Target media directory (default MEDIA_ROOT).")

    def handle(self, *args, source, force, database_url=None, media_root=None, **options):
        db = connection.settings_dict
        if database_url:
            db = dj_database_url.parse(database_url)
        restore(
            source=Path(source),
            db=db,
            media_root=Path(media_root or settings.MEDIA_ROOT),
            force=force,
        )
        self.stdout.write(self.style.SUCCESS(f"Restored {source} into {db['NAME']}."))
