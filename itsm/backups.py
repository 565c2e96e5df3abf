"""Backup and restore of a PostgreSQL database (pg_dump -Fc) and the media files (tar).

A backup is a directory var/backups/<timestamp>/ holding database.dump and media.tar.gz.
"""

import os
import shutil
import subprocess
import tarfile
from datetime import datetime
from pathlib import Path

import psycopg2
from django.core.management.base import CommandError

DUMP_NAME = "database.dump"
MEDIA_NAME = "media.tar.gz"


def postgres_settings(db: dict) -> dict:
    if not db["ENGINE"].endswith("postgresql"):
        raise CommandError("Backup and restore need PostgreSQL: set DATABASE_URL=postgres://...")
    return db


def _conninfo(db: dict) -> dict:
    return {
        "dbname": db["NAME"],
        "user": db.get("USER") or "",
        "password": db.get("PASSWORD") or "",
        "host": db.get("HOST") or "",
        "port": str(db.get("PORT") or ""),
    }


def _query_one(db: dict, sql: str):
    conn = psycopg2.connect(**{k: v for k, v in _conninfo(db).items() if v})
    try:
        with conn.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchone()[0]
    finally:
        conn.close()


def pg_tool(name: str, db: dict) -> str:
    """The tool of the server's own major version: a pg_dump older than the server refuses to
    dump, and Debian installs each version's tools under /usr/lib/postgresql/<major>/bin."""
    major = int(_query_one(db, "SHOW server_version_num")) // 10000
    versioned = Path(f"/usr/lib/postgresql/{major}/bin/{name}")
    if versioned.exists():
        return str(versioned)
    found = shutil.which(name)
    if not found:
        raise CommandError(f"{name} is not installed (PostgreSQL {major} client tools needed).")
    return found


def _run(args: list[str], db: dict) -> None:
    info = _conninfo(db)
    env = {**os.environ, "PGPASSWORD": info["password"]} if info["password"] else None
    conn = [f"--{k}={info[k]}" for k in ("host", "port") if info[k]]
    if info["user"]:
        conn.append(f"--username={info['user']}")
    result = subprocess.run(  # noqa: S603 - fixed tool, arguments from settings
        [args[0], *conn, *args[1:]], env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise CommandError(f"{Path(args[0]).name} failed: {result.stderr.strip()}")


def backup(*, db: dict, media_root: Path, backups_dir: Path, now: datetime) -> Path:
    postgres_settings(db)
    target = backups_dir / now.strftime("%Y%m%dT%H%M%S%fZ")
    target.mkdir(parents=True)
    _run(
        [pg_tool("pg_dump", db), "--format=custom", f"--file={target / DUMP_NAME}", db["NAME"]], db
    )
    with tarfile.open(target / MEDIA_NAME, "w:gz") as tar:
        if Path(media_root).exists():
            tar.add(media_root, arcname=".")
    return target


def database_is_empty(db: dict) -> bool:
    sql = "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
    return _query_one(db, sql) == 0


def restore(*, source: Path, db: dict, media_root: Path, force: bool) -> None:
    postgres_settings(db)
    source = Path(source)
    dump, media = source / DUMP_NAME, source / MEDIA_NAME
    if not dump.is_file() or not media.is_file():
        raise CommandError(f"{source} is not a backup: it needs {DUMP_NAME} and {MEDIA_NAME}.")
    if not force and not database_is_empty(db):
        raise CommandError(
            f"Database {db['NAME']} is not empty; restore into an empty database, "
            "or set FORCE=1 (--force) to replace its contents."
        )
    args = [pg_tool("pg_restore", db), "--no-owner", f"--dbname={db['NAME']}", "--exit-on-error"]
    if force:
        args[1:1] = ["--clean", "--if-exists"]
    _run([*args, str(dump)], db)
    media_root = Path(media_root)
    media_root.mkdir(parents=True, exist_ok=True)
    with tarfile.open(media, "r:gz") as tar:
        tar.extractall(media_root, filter="data")
