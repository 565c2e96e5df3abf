"""Every `manage.py` command the README shows works as written in a checkout after `make run`.

`make run` writes var/dev.env; the test writes the same file into a fresh VAR_DIR (its own SQLite
database), migrates, then runs each README command through bash from the repository root.
"""

import os
import re
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def readme_commands() -> list[str]:
    """Indented code lines and `inline code` that run manage.py (docker ones run elsewhere)."""
    found = [line.strip() for line in README.splitlines() if line.startswith("    ")]
    found += re.findall(r"`([^`]*manage\.py[^`]*)`", README)
    runnable = re.compile(r"^([A-Z_]+=.* )?(\.venv/bin/)?python manage\.py \w")
    # "<command>" is the pattern described in prose, not a command.
    return sorted({cmd for cmd in found if runnable.match(cmd) and "<" not in cmd})


def clean_env(var_dir: Path) -> dict:
    # The browser tests' DJANGO_ALLOW_ASYNC_UNSAFE must not leak into a deployment check.
    drop = (
        "DATABASE_URL",
        "REDIS_URL",
        "DEBUG",
        "SECRET_KEY",
        "SITE_URL",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
    )
    env = {k: v for k, v in os.environ.items() if k not in drop and not k.startswith("SECURE")}
    return {**env, "VAR_DIR": str(var_dir)}


def makefile_dev_env() -> str:
    """The dev.env `make run` writes, from the Makefile's own printf (DEBUG and SITE_URL)."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "> var/dev.env" in makefile
    return "DEBUG=true\nSITE_URL=http://127.0.0.1:8000\n"


def run(command: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", "-c", command], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


@pytest.fixture(scope="module")
def checkout(tmp_path_factory):
    var_dir = tmp_path_factory.mktemp("var")
    (var_dir / "dev.env").write_text(makefile_dev_env(), encoding="utf-8")
    env = clean_env(var_dir)
    migrated = run(".venv/bin/python manage.py migrate --noinput", env)
    assert migrated.returncode == 0, migrated.stderr[-2000:]
    return env


def test_the_readme_shows_commands():
    commands = readme_commands()
    assert any("sla_deadline" in cmd for cmd in commands)
    assert any("load_cn_holidays" in cmd for cmd in commands)
    assert all(cmd.startswith((".venv/bin/python", "DEBUG=false")) for cmd in commands), commands


@pytest.mark.parametrize("command", readme_commands())
def test_readme_command_works_as_written(checkout, command):
    result = run(command, checkout)
    assert result.returncode == 0, f"{command}\n{result.stdout[-1500:]}\n{result.stderr[-1500:]}"
    assert "SECRET_KEY" not in result.stderr


def test_without_the_dev_file_secret_key_stays_required(tmp_path):
    result = run(".venv/bin/python manage.py check", clean_env(tmp_path))
    assert result.returncode != 0 and "SECRET_KEY is not set" in result.stderr
