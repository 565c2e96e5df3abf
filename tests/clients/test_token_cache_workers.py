"""Several gunicorn workers, each with its own copies of API tokens: a token revoked, or a person
deactivated, in another process is refused by every worker within the copies' lifetime."""

import contextlib
import http.client
import os
import socket
import subprocess
import sys
import time

import pytest

from clients import token_cache
from clients.models import User
from clients.services import api_token_create, api_token_revoke
from tests import worker
from tests.servers import require_postgres

# Enough requests that each of the two workers (sync workers take turns as they are free)
# serves several of them.
PROBES = 20


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def gunicorn(port: int, tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": worker.test_database_url(),
        "SECRET_KEY": "test-only",
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "MFA_REQUIRED_FOR_STAFF": "false",
        "VAR_DIR": str(tmp_path),
    }
    env.pop("REDIS_URL", None)
    log = (tmp_path / "gunicorn.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "itsm.wsgi:application"]
        + ["--bind", f"127.0.0.1:{port}", "--workers", "2"],
        cwd=worker.ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        yield server
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def statuses(port: int, key: str, count: int = PROBES) -> list[int]:
    answers = []
    for _ in range(count):
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            conn.request("GET", "/api/v1/tickets/", headers={"Authorization": f"Token {key}"})
            response = conn.getresponse()
            response.read()
            answers.append(response.status)
        except OSError:
            answers.append(0)
        finally:
            conn.close()
    return answers


def refused_everywhere_after(port: int, key: str) -> float:
    """Seconds until PROBES requests in a row are refused (401)."""
    start = time.monotonic()
    while time.monotonic() - start < 30:
        if set(statuses(port, key)) == {401}:
            return time.monotonic() - start
        time.sleep(0.2)
    pytest.fail("still accepted 30 s after the change")


def wait_until_accepted(port: int, key: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if set(statuses(port, key, 1)) == {200}:
            return
        time.sleep(0.3)
    pytest.fail("gunicorn did not start")


@pytest.mark.server
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("change", ["token revoked", "person deactivated"])
def test_every_worker_refuses_within_seconds_of_a_change_elsewhere(user_a1, tmp_path, change):
    require_postgres()
    token, key = api_token_create(actor=user_a1, name="script")
    port = free_port()
    with gunicorn(port, tmp_path):
        wait_until_accepted(port, key)
        assert set(statuses(port, key)) == {200}  # every worker now holds its copy
        if change == "token revoked":
            api_token_revoke(actor=user_a1, token=token)
        else:
            User.objects.filter(pk=user_a1.pk).update(is_active=False)
        elapsed = refused_everywhere_after(port, key)
    # The copies' lifetime (a few seconds), plus a round of requests' slack on a busy machine.
    assert token_cache.SECONDS <= 3
    assert elapsed <= token_cache.SECONDS + 3, elapsed
