"""docker-compose.yml parses and runs every part with health checks (no engine needed)."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent


def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_names_every_service():
    assert set(compose()["services"]) == {"web", "worker", "mailer", "beat", "db", "redis"}


def test_services_have_health_checks_and_data_volumes():
    services = compose()["services"]
    for name in ("web", "db", "redis"):
        assert "healthcheck" in services[name], name
    assert any("postgresql/data" in v for v in services["db"]["volumes"])
    assert "pgdata" in compose()["volumes"]


def test_app_services_share_the_same_configuration():
    services = compose()["services"]
    for name in ("web", "worker", "mailer", "beat"):
        env = services[name]["environment"]
        assert env["DATABASE_URL"].startswith("postgres://")
        assert env["REDIS_URL"].startswith("redis://")
        assert "SECRET_KEY" in env
    assert "gunicorn" in " ".join(services["web"]["command"])
    assert "worker" in services["worker"]["command"]
    assert "beat" in services["beat"]["command"]


def test_dockerfile_installs_from_the_lock():
    text = (ROOT / "Dockerfile").read_text()
    assert "constraints.txt" in text and "python:3.11" in text
