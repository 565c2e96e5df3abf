"""Shared fixtures: there is always a second tenant."""

import pytest
from django.core.cache import cache
from pytest_django.fixtures import validate_django_db
from pytest_django.plugin import blocking_manager_key

from itsm.celery import app as celery_app
from itsm.tenancy import Role

from . import factories as f
from .migration_data import restore_migration_data


@pytest.fixture(autouse=True, scope="session")
def _celery_eager():
    # Unit tests run tasks in-process; the worker tests start a real worker instead.
    celery_app.conf.task_always_eager = True
    yield


def _is_transactional(item) -> bool:
    """As pytest-django decides: a transaction=True marker, or a transactional/live server."""
    marker = item.get_closest_marker("django_db")
    if marker:
        transaction, reset_sequences, *_ = validate_django_db(marker)
        if transaction or reset_sequences:
            return True
    names = getattr(item, "fixturenames", ())
    return "transactional_db" in names or "live_server" in names


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test flushes every table when it ends, the data migrations' rows too.
    pytest-django runs such tests last, but pytest then regroups the tests parametrized by
    pytest-playwright's session-scoped browser, so later tests would find no default tier,
    calendars or priority matrix: put them back once the flush is done."""
    yield
    # After the last test the test database is already gone: nothing to put back.
    if _is_transactional(item) and nextitem is not None:
        blocker = item.config.stash[blocking_manager_key]
        with blocker.unblock():
            restore_migration_data()


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    # Lock-out and throttle counters live in the cache: no test inherits another's.
    cache.clear()
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Tests assert English messages; language behaviour has its own tests.
    settings.LANGUAGE_CODE = "en"
    # Mandatory staff 2FA has its own tests; elsewhere staff sign in directly.
    settings.MFA_REQUIRED_FOR_STAFF = False


@pytest.fixture
def client_a(db):
    c = f.make_client(code="HX", name="华信银行")
    f.make_agreement(client=c)
    return c


@pytest.fixture
def client_b(db):
    c = f.make_client(code="DF", name="东方物流")
    f.make_agreement(client=c)
    return c


@pytest.fixture
def site_a(client_a):
    return f.make_site(client=client_a, name="上海分行")


@pytest.fixture
def site_a2(client_a):
    return f.make_site(client=client_a, name="北京分行")


@pytest.fixture
def site_b(client_b):
    return f.make_site(client=client_b, name="杭州总部")


@pytest.fixture
def user_a1(client_a, site_a):
    return f.make_user(client=client_a, site=site_a, username="user_a1")


@pytest.fixture
def user_a2(client_a, site_a2):
    return f.make_user(client=client_a, site=site_a2, username="user_a2")


@pytest.fixture
def user_b1(client_b, site_b):
    return f.make_user(client=client_b, site=site_b, username="user_b1")


@pytest.fixture
def manager_a(client_a):
    return f.make_user(role=Role.CLIENT_MANAGER, client=client_a, username="manager_a")


@pytest.fixture
def manager_b(client_b):
    return f.make_user(role=Role.CLIENT_MANAGER, client=client_b, username="manager_b")


@pytest.fixture
def agent_a(client_a):
    agent = f.make_user(role=Role.AGENT, username="agent_a")
    f.make_team(members=[agent], clients=[client_a], lead=agent, name="Team A")
    return agent


@pytest.fixture
def agent_b(client_b):
    agent = f.make_user(role=Role.AGENT, username="agent_b")
    f.make_team(members=[agent], clients=[client_b], lead=agent, name="Team B")
    return agent


@pytest.fixture
def admin_user(db):
    return f.make_user(role=Role.ADMIN, username="admin1", is_staff=True, is_superuser=True)


@pytest.fixture
def ticket_a1(user_a1):
    return f.make_ticket(requester=user_a1, subject="Ticket of A1 打印机")


@pytest.fixture
def ticket_a2(user_a2):
    return f.make_ticket(requester=user_a2, subject="Ticket of A2 网络")


@pytest.fixture
def ticket_b1(user_b1):
    return f.make_ticket(requester=user_b1, subject="Ticket of B1 邮件")


@pytest.fixture
def login(client):
    """Sign a user in on the Django test client and return the client."""

    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def api_for():
    from rest_framework.test import APIClient

    def _api(user):
        api = APIClient()
        api.force_authenticate(user)
        return api

    return _api
