"""Which real servers the test run has; tests needing one skip locally and fail under CI=true."""

import os

import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"


def database_is_postgres() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


def redis_url() -> str:
    return os.environ.get("REDIS_URL", "")


def require(condition: bool, reason: str) -> None:
    """Skip with `reason` when the server is missing, unless in CI where that is a failure."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"CI must provide this: {reason}")
    pytest.skip(reason)


def require_postgres() -> None:
    require(database_is_postgres(), "needs PostgreSQL: set DATABASE_URL=postgres://...")


def require_redis() -> None:
    require(bool(redis_url()), "needs Redis: set REDIS_URL=redis://...")
