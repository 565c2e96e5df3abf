"""Real-browser tests: Playwright (pytest-playwright) driving Debian's Chromium.

See /work/shared/browser.md. Without a Chromium the tests skip with a reason, except under CI=true
where that is a failure. Each journey step is screenshotted under
test-artifacts/screenshots/<test>/<step>.png (git-ignored) so a person can look.
"""

import os
import re
import shutil
from pathlib import Path

import pytest

from tests.factories import PASSWORD
from tests.migration_data import restore_migration_data
from tests.servers import require

# Playwright's sync API runs an event loop in this thread; ORM calls from the tests need this.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    # Keep Chromium from calling outside services: the network is closed here.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
REPO_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO_ROOT / "test-artifacts" / "screenshots"
TIMEOUT_MS = 10_000


def chromium_available() -> bool:
    return os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)


@pytest.fixture(scope="session", autouse=True)
def _require_chromium():
    require(
        chromium_available(),
        f"needs Chromium at {CHROMIUM}: "
        "apt-get install -y chromium fonts-noto-cjk (or set CHROMIUM_PATH)",
    )


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args, _require_chromium):
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}


@pytest.fixture
def page(page):
    page.set_default_timeout(TIMEOUT_MS)
    page.set_default_navigation_timeout(TIMEOUT_MS)
    return page


@pytest.fixture
def shot(page, request):
    """shot("03-detail") saves a full-page screenshot for this test's journey step."""
    folder = SCREENSHOTS / re.sub(r"[^\w.-]+", "_", request.node.name)
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)

    def _shot(step: str, target=None):
        path = folder / f"{step}.png"
        (target or page).screenshot(path=str(path), full_page=True)
        return path

    return _shot


@pytest.fixture
def sign_in(page, live_server):
    """Sign in through the real allauth login form (never force_login)."""

    def _sign_in(login: str, password: str = PASSWORD):
        page.goto(f"{live_server.url}/accounts/login/")
        form = page.locator("main form[action$='/accounts/login/']")
        form.locator("input[name=login]").fill(login)
        form.locator("input[name=password]").fill(password)
        form.locator("button[type=submit]").click()
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        # The top bar shows the sign-out button only to a signed-in user.
        assert page.locator("header form[action$='/accounts/logout/'] button").is_visible()

    return _sign_in


@pytest.fixture
def sign_out(page):
    def _sign_out():
        page.locator("header form[action$='/accounts/logout/'] button[type=submit]").click()
        page.wait_for_url(re.compile(r"/accounts/login/"))
        assert page.locator("header form[action$='/accounts/logout/']").count() == 0

    return _sign_out


@pytest.fixture(autouse=True)
def _chinese_by_default(settings, monkeypatch):
    """The browser sees the product as shipped: Simplified Chinese unless switched."""
    from tests import factories

    settings.LANGUAGE_CODE = "zh-hans"
    monkeypatch.setattr(factories, "DEFAULT_LANGUAGE", "zh-hans")


@pytest.fixture(autouse=True)
def _data_that_migrations_ship(transactional_db):
    """Live-server tests may start from a flushed database: restore the built-in calendars,
    default tier and priority matrix that every installation gets from its data migrations."""
    restore_migration_data()
