"""Ticket creation over HTTP through gunicorn: tickets per second with concurrent clients.

Runs against the benchmark database (DATABASE_URL); bounded in time and count; loopback only.
Then, less sensitive to a shared machine: SQL statements and CPU milliseconds of one creation
through Django's full request stack in this process (median of BENCH_API_INPROCESS requests).
"""

import http.client
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PORT = int(os.environ.get("BENCH_PORT", "8765"))
SECONDS = float(os.environ.get("BENCH_API_SECONDS", "10"))
CLIENTS = int(os.environ.get("BENCH_API_CLIENTS", "8"))
# Default: gunicorn.conf.py's count, as deployed (one worker per core).
WORKERS = os.environ.get("BENCH_GUNICORN_WORKERS") or os.environ.get("WEB_CONCURRENCY")
IN_PROCESS = int(os.environ.get("BENCH_API_INPROCESS", "200"))
BODY = json.dumps({"subject": "基准测试 API", "description": "created by the throughput bench"})


def token_for(username: str) -> str:
    import django

    django.setup()
    from clients.models import User
    from clients.services import api_token_create

    return api_token_create(actor=User.objects.get(username=username), name="benchmark")[1]


def gunicorn_default_workers() -> int:
    import runpy

    return runpy.run_path(str(ROOT / "gunicorn.conf.py"))["workers"]


def wait_until_up(timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
            conn.request("GET", "/accounts/login/")
            conn.getresponse().read()
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not start")


def hammer(token: str, stop_at: float, counts: list, errors: list) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
    body = BODY
    headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
    while time.monotonic() < stop_at and counts[0] < 100_000:
        conn.request("POST", "/api/v1/tickets/", body, headers)
        response = conn.getresponse()
        response.read()
        if response.status == 201:
            counts[0] += 1
        else:
            errors.append(response.status)


def children_of(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def database_backends() -> list[int]:
    """PostgreSQL backends of this database other than this process's own connection."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return [row[0] for row in cursor.fetchall()]


def cpu_snapshot(server_pid: int) -> dict[str, dict[int, float]]:
    """CPU seconds so far of gunicorn (master and workers) and of this database's backends."""
    return {
        "gunicorn": {
            pid: process_cpu_seconds(pid) or 0.0 for pid in [server_pid, *children_of(server_pid)]
        },
        "postgres": {pid: process_cpu_seconds(pid) or 0.0 for pid in database_backends()},
    }


def cpu_used(before: dict, after: dict) -> dict[str, float]:
    """Seconds each group used between the snapshots (processes started since count whole)."""
    return {
        group: sum(now - before[group].get(pid, 0.0) for pid, now in after[group].items())
        for group in after
    }


def run(usernames: list[str]) -> tuple[float, dict[str, float]]:
    """(tickets per second, CPU ms per ticket of gunicorn, PostgreSQL and the client threads).

    The CPU figures are what a busy, shared machine distorts least: the rate depends on the
    cores left over by other work, the milliseconds per ticket hardly."""
    tokens = [token_for(name) for name in usernames]
    env = {**os.environ, "ALLOWED_HOSTS": "127.0.0.1,localhost"}
    if WORKERS:
        env["WEB_CONCURRENCY"] = WORKERS
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "itsm.wsgi:application",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_until_up()
        counts, errors = [0], []
        cpu_before, client_before = cpu_snapshot(server.pid), time.process_time()
        stop_at = time.monotonic() + SECONDS
        threads = [
            threading.Thread(target=hammer, args=(tokens[i % len(tokens)], stop_at, counts, errors))
            for i in range(CLIENTS)
        ]
        start = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - start
        used = cpu_used(cpu_before, cpu_snapshot(server.pid))
        used["client threads"] = time.process_time() - client_before
    finally:
        server.terminate()
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(5)
    if errors:
        print(f"  {len(errors)} non-201 answers, e.g. {errors[:3]}")
    per_ticket = {group: seconds * 1000 / max(counts[0], 1) for group, seconds in used.items()}
    return counts[0] / elapsed, per_ticket


def process_cpu_seconds(pid: int) -> float | None:
    """CPU time a local process (a PostgreSQL backend, a gunicorn worker) has used (utime +
    stime), None if not readable."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def in_process(username: str) -> tuple[int, float, float | None]:
    """(statements, median CPU ms, PostgreSQL CPU ms) of one POST through the full stack, after
    a warm-up. The database's share is its backend's CPU over all the posts, divided."""
    from statistics import median

    from django.db import connection
    from django.test import Client

    client = Client(HTTP_AUTHORIZATION=f"Token {token_for(username)}")

    def post():
        response = client.post("/api/v1/tickets/", BODY, content_type="application/json")
        if response.status_code != 201:
            raise RuntimeError(f"creation answered {response.status_code}: {response.content!r}")

    for _ in range(10):
        post()
    statements = []  # the request resets connection.queries, so count at the cursor
    with connection.execute_wrapper(
        lambda run, sql, *args: statements.append(sql) or run(sql, *args)
    ):
        post()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    db_before = process_cpu_seconds(backend)
    times = []
    for _ in range(IN_PROCESS):
        start = time.process_time()
        post()
        times.append((time.process_time() - start) * 1000)
    db_after = process_cpu_seconds(backend)
    db_ms = None if db_before is None else (db_after - db_before) * 1000 / IN_PROCESS
    return len(statements), median(times), db_ms


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "itsm.settings")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "false")  # plain HTTP on loopback
    # One requester (one client's counter) by default; BENCH_API_USER="b00u1,b01u1" spreads the
    # client threads over several people of several clients.
    users = os.environ.get("BENCH_API_USER", "b00u1").split(",")
    user = users[0]
    if SECONDS > 0:
        rate, per_ticket = run(users)
        load = ", ".join(f"{value:.2f}" for value in os.getloadavg())
        print(
            f"API ticket creation: {rate:.0f} tickets/s "
            f"({CLIENTS} clients, {WORKERS or gunicorn_default_workers()} gunicorn workers, "
            f"{SECONDS:.0f} s; "
            f"load average after: {load})"
        )
        print(
            "  CPU per ticket: "
            + ", ".join(f"{group} {ms:.1f} ms" for group, ms in per_ticket.items())
        )
    if IN_PROCESS > 0:
        statements, cpu_ms, db_ms = in_process(user)
        db = "" if db_ms is None else f", PostgreSQL backend {db_ms:.1f} ms CPU (mean)"
        print(
            f"one creation in-process: {statements} SQL statements, "
            f"{cpu_ms:.1f} ms CPU (median){db}"
        )
