from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection
from django.utils import timezone

from itsm.backups import backup


class Command(BaseCommand):
    help = "Back up the database (pg_dump -Fc) and MEDIA_ROOT into var/backups/<timestamp>/."

    def add_arguments(self, parser):
        parser.add_argument("--output", help="Directory for backups (default var/backups).")

    def handle(self, *args, output=None, **options):
        target = backup(
            db=connection.settings_dict,
            media_root=Path(settings.MEDIA_ROOT),
            backups_dir=Path(output or settings.VAR_DIR / "backups"),
            now=timezone.now(),
        )
        self.stdout.write(str(target))
