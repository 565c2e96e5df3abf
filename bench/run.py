"""`make bench`: seed a PostgreSQL benchmark database and measure the performance targets.

Uses BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/itsm_bench); the database is
dropped and created anew. BENCH_SIZES (default 10000,100000,1000000) are the ticket counts the
pages are measured at: the table is grown step by step (seed the first size, measure, add tickets
up to the next, measure, ...), then one table shows each page's median at each size side by side,
so a cost that grows with the table stands out. BENCH_TICKETS=N alone means BENCH_SIZES=N. The
other benchmarks (business time, SLA sweep, dashboards, monthly report) run afterwards on the
largest size.
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
# Requests go through the test client over plain HTTP; with the HTTPS redirect on (the default
# when DEBUG is off) every page would answer 301.
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
SCRIPTS = (
    "bench_business_time.py",
    "bench_sla_sweep.py",
    "bench_dashboards.py",
    "bench_satisfaction.py",
    "bench_monthly_report.py",
)


def bench_sizes() -> list[int]:
    raw = os.environ.get("BENCH_SIZES") or os.environ.get("BENCH_TICKETS") or ""
    sizes = sorted({int(part.replace("_", "")) for part in raw.split(",") if part.strip()})
    if any(size <= 0 for size in sizes):
        raise SystemExit(f"BENCH_SIZES must be positive ticket counts, got {raw!r}")
    return sizes or [10_000, 100_000, 1_000_000]


def recreate_database() -> None:
    import psycopg2

    base, name = URL.rsplit("/", 1)
    conn = psycopg2.connect(base + "/postgres")
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def load() -> str:
    """The machine's load averages, printed with each set of figures (a shared machine is
    noisy)."""
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f}, {five:.2f}, {fifteen:.2f}"


def growth_table(sizes: list[int], results: dict[int, list]) -> str:
    """Markdown: one row per page, its median at each size, then the query count (one figure
    when the same at every size)."""
    head = " | ".join(f"{size:,} ms" for size in sizes)
    lines = [
        f"| page | {head} | queries |",
        "| --- | " + " | ".join("---:" for _ in sizes) + " | ---: |",
    ]
    for index, (name, _median, _queries) in enumerate(results[sizes[0]]):
        medians = " | ".join(f"{results[size][index][1]:.1f}" for size in sizes)
        counts = [results[size][index][2] for size in sizes]
        queries = str(counts[0]) if len(set(counts)) == 1 else "/".join(map(str, counts))
        lines.append(f"| {name} | {medians} | {queries} |")
    return "\n".join(lines)


def main() -> None:
    sizes = bench_sizes()
    recreate_database()
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from bench.pages import run_pages
    from bench.seed_bulk import seed_tickets, seed_world

    world = seed_world()
    results, seeded = {}, 0
    for size in sizes:
        seconds = seed_tickets(world, size, start=seeded)
        print(f"\nseeded tickets {seeded + 1:,} to {size:,} in {seconds:.1f} s ({load()})")
        seeded = size
        results[size] = run_pages()
        print(f"\n{size:,} tickets ({load()})\n\n| page | median ms | queries |")
        print("| --- | ---: | ---: |")
        for name, median, queries in results[size]:
            print(f"| {name} | {median:.1f} | {queries} |")
        sys.stdout.flush()
    if len(sizes) > 1:
        print(f"\n## Pages by table size ({load()})\n\n{growth_table(sizes, results)}")
    sys.stdout.flush()
    for script in SCRIPTS:
        if (ROOT / "bench" / script).exists():
            print(f"\n## {script}")
            sys.stdout.flush()
            subprocess.run(
                [sys.executable, str(ROOT / "bench" / script)], check=False, env=os.environ
            )


if __name__ == "__main__":
    main()
