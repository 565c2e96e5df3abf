"""Production settings pass Django's deployment checks; operational timeouts are set."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": "x7Gq2-deploy-check-key-that-is-long-and-random-enough-9f3Kz8LmQw4Rt",
    "ALLOWED_HOSTS": "itsm.example.cn",
}


# The test run's own switches (browser tests allow sync DB calls in async code) stay out.
NOT_INHERITED = ("DATABASE_URL", "REDIS_URL", "DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE")


def run(args, **env):
    base = {
        k: v for k, v in os.environ.items() if k not in NOT_INHERITED and not k.startswith("SECURE")
    }
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**base, "DJANGO_SETTINGS_MODULE": "itsm.settings", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def settings_of(*names, **env):
    code = (
        "import django, json; django.setup(); from django.conf import settings; "
        f"values = {{n: getattr(settings, n, None) for n in {list(names)!r}}}; "
        "print(json.dumps(values, default=str))"
    )
    result = run(["-c", code], **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


def test_check_deploy_is_clean_with_production_settings():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stdout + result.stderr


def test_transport_security_is_configurable_behind_a_proxy():
    relaxed = settings_of(
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SECURE_PROXY_SSL_HEADER",
        **PRODUCTION,
        SECURE_SSL_REDIRECT="false",
        SECURE_HSTS_SECONDS="31536000",
        SECURE_PROXY_SSL_HEADER="false",
    )
    assert relaxed == {
        "SECURE_SSL_REDIRECT": False,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_PROXY_SSL_HEADER": None,
    }


def test_debug_serves_plain_http():
    debug = settings_of("SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", DEBUG="true")
    assert debug == {"SECURE_SSL_REDIRECT": False, "SECURE_HSTS_SECONDS": 0}


def test_postgresql_connections_are_health_checked():
    values = settings_of(
        "DATABASES", **PRODUCTION, DATABASE_URL="postgres://itsm:itsm@db.invalid:5432/itsm"
    )
    database = values["DATABASES"]["default"]
    assert database["CONN_MAX_AGE"] > 0
    assert database["CONN_HEALTH_CHECKS"] is True


def test_smtp_has_a_timeout():
    assert settings_of("EMAIL_TIMEOUT", DEBUG="true")["EMAIL_TIMEOUT"] == 20
    assert settings_of("EMAIL_TIMEOUT", DEBUG="true", EMAIL_TIMEOUT="5")["EMAIL_TIMEOUT"] == 5
