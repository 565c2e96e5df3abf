"""make backup / make restore: a backup restored into a fresh database loses nothing."""

import hashlib
from pathlib import Path

import psycopg2
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection

from sla.models import SlaClock
from tests.factories import make_ticket
from tests.servers import require_postgres
from tests.sla.conftest import assign, make_tier
from tickets.models import Attachment, Ticket


def checksums(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def admin_connection():
    db = connection.settings_dict
    conn = psycopg2.connect(
        dbname="postgres",
        user=db["USER"] or None,
        password=db["PASSWORD"] or None,
        host=db["HOST"] or None,
        port=db["PORT"] or None,
    )
    conn.autocommit = True
    return conn


def url_of(name: str) -> str:
    db = connection.settings_dict
    auth = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


def rows(name: str, sql: str) -> list[tuple]:
    db = connection.settings_dict
    conn = psycopg2.connect(
        dbname=name,
        user=db["USER"] or None,
        password=db["PASSWORD"] or None,
        host=db["HOST"] or None,
        port=db["PORT"] or None,
    )
    try:
        with conn.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchall()
    finally:
        conn.close()


@pytest.mark.server
@pytest.mark.django_db(transaction=True)
def test_backup_restored_into_a_fresh_database_loses_nothing(settings, tmp_path, client_a, user_a1):
    require_postgres()
    assign(make_tier("Gold"), client=client_a)
    for i in range(3):
        files = [SimpleUploadedFile(f"log{i}.txt", f"错误日志 {i}\n".encode() * (i + 1))]
        make_ticket(requester=user_a1, subject=f"Backup {i}", files=files)
    clocks = sorted(SlaClock.objects.values_list("ticket__reference", "kind", "due_at"))
    assert clocks and Attachment.objects.count() == 3
    media = Path(settings.MEDIA_ROOT)
    original_files = checksums(media)
    assert len(original_files) == 3

    # A fresh database needs a separate name: the test database is the live connection's.
    name = f"{connection.settings_dict['NAME']}_restored"
    conn = admin_connection()
    with conn.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    try:
        call_command("backup", output=str(tmp_path / "backups"))
        (backup_dir,) = (tmp_path / "backups").iterdir()
        restored_media = tmp_path / "restored-media"
        call_command(
            "restore", str(backup_dir), database_url=url_of(name), media_root=str(restored_media)
        )

        counts = {
            table: rows(name, f"SELECT count(*) FROM {table}")[0][0]  # noqa: S608 - fixed names
            for table in ("tickets_ticket", "tickets_attachment", "sla_slaclock")
        }
        assert counts == {
            "tickets_ticket": Ticket.objects.count(),
            "tickets_attachment": 3,
            "sla_slaclock": len(clocks),
        }
        assert checksums(restored_media) == original_files
        restored_clocks = rows(
            name,
            "SELECT t.reference, c.kind, c.due_at FROM sla_slaclock c "
            "JOIN tickets_ticket t ON t.id = c.ticket_id",
        )
        assert sorted(restored_clocks) == clocks

        # A second restore into the now non-empty database is refused without --force.
        with pytest.raises(CommandError, match="not empty"):
            call_command("restore", str(backup_dir), database_url=url_of(name))
        call_command(
            "restore",
            str(backup_dir),
            database_url=url_of(name),
            media_root=str(restored_media),
            force=True,
        )
        assert rows(name, "SELECT count(*) FROM tickets_attachment")[0][0] == 3
    finally:
        with conn.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.close()


@pytest.mark.django_db
def test_backup_refuses_sqlite_clearly(settings, tmp_path):
    if connection.vendor == "postgresql":
        pytest.skip("checks the SQLite refusal")
    with pytest.raises(CommandError, match="need PostgreSQL"):
        call_command("backup", output=str(tmp_path))
