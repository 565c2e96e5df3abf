"""A private, throwaway production stack on loopback for the load and fault runs.

Its own PostgreSQL cluster (initdb in a temporary folder), its own Redis, gunicorn and a Celery
worker (and beat when asked), on ports nobody else uses: stopping or killing any of them for a
fault run touches nothing outside it. Mail goes to files (EMAIL_FILE_PATH) so a run can count
what was delivered, or to an SMTP address when a fault run needs a real (hung) server.
"""

import contextlib
import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "load-pass-2026"


def pg_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if found:
        return found[-1]
    path = shutil.which(name)
    if not path:
        raise SystemExit(f"{name} not found: install PostgreSQL server binaries")
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
            return
        time.sleep(0.2)
    raise RuntimeError(f"nothing listens on port {port} after {timeout} s")


class Stack:
    def __init__(self, *, web_workers: int = 4, worker_concurrency: int = 2, env=None):
        self.dir = Path(tempfile.mkdtemp(prefix="itsm-stack-"))
        os.chmod(self.dir, 0o777)  # the PostgreSQL cluster runs as user postgres when we are root
        self.pg_dir = self.dir / "pg"
        self.mail_dir = self.dir / "mail"
        self.mail_dir.mkdir()
        self.pg_port, self.redis_port, self.web_port = free_port(), free_port(), free_port()
        self.web_workers = web_workers
        self.worker_concurrency = worker_concurrency
        self.procs: dict[str, subprocess.Popen] = {}
        self.env = {
            **os.environ,
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:{self.pg_port}/itsm",
            "REDIS_URL": f"redis://127.0.0.1:{self.redis_port}/0",
            "SECRET_KEY": "load-and-fault-runs-only",
            "DEBUG": "false",
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_COOKIES": "false",
            "SECURE_HSTS_SECONDS": "0",
            "MFA_REQUIRED_FOR_STAFF": "false",
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": str(self.mail_dir),
            "SITE_URL": "http://127.0.0.1",
            "VAR_DIR": str(self.dir / "var"),
            "LOG_LEVEL": "WARNING",
            "CELERY_TASK_ALWAYS_EAGER": "false",
            **(env or {}),
        }

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    def log(self, name: str):
        return (self.dir / f"{name}.log").open("a")

    # --- PostgreSQL ------------------------------------------------------------------------
    def _as_postgres(self, *cmd: str) -> list[str]:
        return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else list(cmd)

    def pg_init(self) -> None:
        subprocess.run(
            self._as_postgres(
                pg_bin("initdb"),
                "-D",
                str(self.pg_dir),
                "-A",
                "trust",
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        self.pg_start()
        subprocess.run(
            [
                pg_bin("createdb"),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.pg_port),
                "-U",
                "postgres",
                "itsm",
            ],
            check=True,
        )

    def pg_start(self) -> None:
        options = (
            f"-p {self.pg_port} -k {self.dir} -c listen_addresses=127.0.0.1 -c max_connections=200"
        )
        subprocess.run(
            self._as_postgres(
                pg_bin("pg_ctl"),
                "-D",
                str(self.pg_dir),
                "-o",
                options,
                "-l",
                str(self.dir / "postgres.log"),
                "-w",
                "start",
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def pg_stop(self, mode: str = "fast") -> None:
        subprocess.run(
            self._as_postgres(pg_bin("pg_ctl"), "-D", str(self.pg_dir), "-m", mode, "-w", "stop"),
            check=False,
            stdout=subprocess.DEVNULL,
        )

    # --- Redis -----------------------------------------------------------------------------
    def redis_start(self) -> None:
        proc = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.redis_port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.dir),
            ],
            stdout=self.log("redis"),
            stderr=subprocess.STDOUT,
        )
        self.procs["redis"] = proc
        wait_port(self.redis_port)

    def redis_stop(self) -> None:
        self.stop("redis", signal.SIGKILL)

    # --- Django processes ------------------------------------------------------------------
    def manage(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            check=check,
            capture_output=True,
            text=True,
        )

    def web_start(self) -> None:
        self.procs["web"] = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "itsm.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.web_port}",
                "--workers",
                str(self.web_workers),
                "--timeout",
                "60",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.log("web"),
            stderr=subprocess.STDOUT,
        )
        wait_port(self.web_port)
        self.wait_http("/accounts/login/")

    def wait_http(self, path: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            url = self.base_url + path
            with contextlib.suppress(OSError), urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
            time.sleep(0.3)
        raise RuntimeError(f"{path} did not answer 200 within {timeout} s")

    def worker_start(self, *, queues: str = "celery,mail", name: str = "worker") -> None:
        self.procs[name] = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "itsm",
                "worker",
                "-Q",
                queues,
                "--concurrency",
                str(self.worker_concurrency),
                "--loglevel=WARNING",
                "-n",
                f"{name}-{self.web_port}@%h",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.log(name),
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: a crash kills the pool children too
        )

    def worker_crash(self, name: str = "worker") -> None:
        """SIGKILL the worker and its pool processes at once, as a machine failure would."""
        proc = self.procs.pop(name)
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()

    def beat_start(self) -> None:
        self.procs["beat"] = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "itsm",
                "beat",
                "--loglevel=WARNING",
                "--schedule",
                str(self.dir / "celerybeat-schedule"),
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.log("beat"),
            stderr=subprocess.STDOUT,
        )

    def stop(self, name: str, sig: int = signal.SIGTERM, timeout: float = 30) -> None:
        proc = self.procs.pop(name, None)
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(sig)
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

    def close(self, keep: bool = False) -> None:
        for name in ("beat", *[n for n in self.procs if n.startswith("worker")], "web", "redis"):
            self.stop(name)
        for name in list(self.procs):
            self.stop(name)
        if self.pg_dir.exists():
            self.pg_stop("immediate")
        if not keep:
            shutil.rmtree(self.dir, ignore_errors=True)

    # --- Django in this process (seeding and checks) ---------------------------------------
    def django(self) -> None:
        """Point this process's Django at the stack (call before the first model import)."""
        for key in (
            "DATABASE_URL",
            "REDIS_URL",
            "SECRET_KEY",
            "DEBUG",
            "EMAIL_BACKEND",
            "EMAIL_FILE_PATH",
            "VAR_DIR",
            "ALLOWED_HOSTS",
            "MFA_REQUIRED_FOR_STAFF",
            "LOG_LEVEL",
            "SECURE_SSL_REDIRECT",
            "SITE_URL",
            "CELERY_TASK_ALWAYS_EAGER",
        ):
            os.environ[key] = self.env[key]
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "itsm.settings")
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()

    def up(self, *, beat: bool = False) -> None:
        self.pg_init()
        self.redis_start()
        self.manage("migrate", "--noinput")
        self.manage("seed_demo", "--force", "--password", PASSWORD)
        self.web_start()
        self.worker_start()
        if beat:
            self.beat_start()
