"""Start-up refuses bad environment values, naming the variable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def start(**env):
    base = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "DEBUG", "SECRET_KEY")
    }
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "itsm.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    return result.returncode, result.stderr


def test_defaults_start_in_debug():
    code, err = start(DEBUG="true")
    assert code == 0, err


def test_missing_secret_key_in_production_is_named():
    code, err = start(DEBUG="false")
    assert code != 0 and "SECRET_KEY" in err


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("DATABASE_URL", "not a url"),
        ("DATABASE_URL", "nosuchdb://x/y"),
        ("REDIS_URL", "localhost:6379"),
        ("LANGUAGE_CODE", "fr"),
        ("TIME_ZONE", "Mars/Olympus"),
        ("DEBUG", "maybe"),
        ("EMAIL_PORT", "twenty-five"),
    ],
)
def test_bad_value_is_named(name, value):
    code, err = start(**{"DEBUG": "true", name: value})
    assert code != 0
    assert name in err.splitlines()[-1]
