"""`make bench`: seed a PostgreSQL benchmark database and measure the performance targets.

Uses BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/itsm_bench); the database is
dropped and created anew. BENCH_TICKETS sets the size (default 1,000,000).
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
URL = os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/itsm_bench")
os.environ["DATABASE_URL"] = URL
os.environ.setdefault("SECRET_KEY", "bench-only")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "itsm.settings")
os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
os.environ["MFA_REQUIRED_FOR_STAFF"] = "false"
TICKETS = int(os.environ.get("BENCH_TICKETS", "1000000"))


def recreate_database() -> None:
    import psycopg2

    base, name = URL.rsplit("/", 1)
    conn = psycopg2.connect(base + "/postgres")
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def main() -> None:
    recreate_database()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from bench.pages import run_pages
    from bench.seed_bulk import seed_tickets, seed_world

    world = seed_world()
    seconds = seed_tickets(world, TICKETS)
    print(f"seeded {TICKETS:,} tickets in {seconds:.1f} s")
    print("\n| page | median ms | queries |\n| --- | ---: | ---: |")
    for name, median, queries in run_pages():
        print(f"| {name} | {median:.1f} | {queries} |")
    sys.stdout.flush()
    for script in (
        "bench_business_time.py",
        "bench_sla_sweep.py",
        "bench_dashboards.py",
        "bench_monthly_report.py",
    ):
        if (ROOT / "bench" / script).exists():
            print(f"\n## {script}")
            sys.stdout.flush()
            subprocess.run(
                [sys.executable, str(ROOT / "bench" / script)], check=False, env=os.environ
            )


if __name__ == "__main__":
    main()
