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
WORKERS = os.environ.get("BENCH_GUNICORN_WORKERS", "4")
IN_PROCESS = int(os.environ.get("BENCH_API_INPROCESS", "200"))
BODY = json.dumps({"subject": "基准测试 API", "description": "created by the throughput bench"})


def token_for(username: str) -> str:
    import django

    django.setup()
    from clients.models import User
    from clients.services import api_token_create

    return api_token_create(actor=User.objects.get(username=username), name="benchmark")[1]


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


def run(usernames: list[str]) -> float:
    tokens = [token_for(name) for name in usernames]
    env = {**os.environ, "ALLOWED_HOSTS": "127.0.0.1,localhost"}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "itsm.wsgi:application",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            WORKERS,
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_until_up()
        counts, errors = [0], []
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
    finally:
        server.terminate()
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(5)
    if errors:
        print(f"  {len(errors)} non-201 answers, e.g. {errors[:3]}")
    return counts[0] / elapsed


def backend_cpu_seconds(pid: int) -> float | None:
    """CPU time a local PostgreSQL backend has used (utime + stime), None if not readable."""
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
    db_before = backend_cpu_seconds(backend)
    times = []
    for _ in range(IN_PROCESS):
        start = time.process_time()
        post()
        times.append((time.process_time() - start) * 1000)
    db_after = backend_cpu_seconds(backend)
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
        rate = run(users)
        print(
            f"API ticket creation: {rate:.0f} tickets/s "
            f"({CLIENTS} clients, {WORKERS} gunicorn workers, {SECONDS:.0f} s)"
        )
    if IN_PROCESS > 0:
        statements, cpu_ms, db_ms = in_process(user)
        db = "" if db_ms is None else f", PostgreSQL backend {db_ms:.1f} ms CPU (mean)"
        print(
            f"one creation in-process: {statements} SQL statements, "
            f"{cpu_ms:.1f} ms CPU (median){db}"
        )
