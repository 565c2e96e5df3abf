"""New tickets read tiers, targets, calendars and rules from per-process copies (itsm.config_cache):
a change applies to the next ticket at once, never crosses clients, and never outlives a rollback.

Transactional tests: the copies are only kept outside a transaction that changed a setting, so
these run like the web processes do (each request commits).
"""

import os
import subprocess
import sys
from datetime import date

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from itsm import config_cache
from sla.models import BusinessCalendar, CalendarDay, ServiceTier, TierTarget
from tests import factories as f
from tests.factories import make_ticket
from tests.servers import database_is_postgres, require_postgres, require_redis
from tickets import services

from .conftest import FOR_PRIORITY, assign, clocks_of, cst, make_tier

pytestmark = pytest.mark.django_db(transaction=True)

MONDAY_9 = cst(3, 2, 9)
SETTINGS_TABLES = (
    "sla_servicetier",
    "sla_tiertarget",
    "sla_tierassignment",
    "sla_escalationrule",
    "sla_calendarday",
    "tickets_priorityrule",
)


@pytest.fixture(autouse=True)
def _cold():
    config_cache.forget_local()
    yield
    config_cache.forget_local()


def response_target(requester, priority: int = 3) -> int:
    ticket = make_ticket(requester=requester, now=MONDAY_9, **FOR_PRIORITY[priority])
    return clocks_of(ticket)["response"].target_minutes


def settings_reads(queries) -> list[str]:
    return [q["sql"] for q in queries if any(t in q["sql"] for t in SETTINGS_TABLES)]


def test_warm_process_reads_no_settings_and_plans_the_same_clocks(user_a1):
    with CaptureQueriesContext(connection) as cold:
        first = make_ticket(requester=user_a1, now=MONDAY_9, **FOR_PRIORITY[2])
    with CaptureQueriesContext(connection) as warm:
        second = make_ticket(requester=user_a1, now=MONDAY_9, **FOR_PRIORITY[2])
    assert settings_reads(cold.captured_queries)  # the copies were loaded ...
    assert settings_reads(warm.captured_queries) == []  # ... and then used
    shape = [
        [(c.kind, c.tier_id, c.target_minutes, c.due_at, c.warn_at) for c in clocks.values()]
        for clocks in (clocks_of(first), clocks_of(second))
    ]
    assert shape[0] == shape[1]
    assert first.sla_due_at == second.sla_due_at == min(c.due_at for c in clocks_of(first).values())


def test_warm_creation_costs_six_statements(user_a1, agent_a):
    make_ticket(requester=user_a1, now=MONDAY_9)  # warms the copies and the client's counter
    with CaptureQueriesContext(connection) as queries:
        services.ticket_create(
            actor=user_a1, subject="打印机", description="卡纸", site=user_a1.site, now=MONDAY_9
        )
    # The creating transaction only (sending the email after commit runs eagerly in tests).
    sql = [q["sql"] for q in queries.captured_queries]
    inside = [s for s in sql[: sql.index("COMMIT")] if not s.startswith("BEGIN")]
    # Counter, ticket (with its sla_due_at), created event, both clocks in one INSERT, the
    # announcement to the serving teams (one INSERT ... SELECT), the requester's email (rendered
    # when sent).
    assert len(inside) == 6, "\n".join(s[:90] for s in inside)


def test_target_changed_in_the_admin_applies_to_the_next_ticket_at_once(
    client, admin_user, user_a1
):
    assert response_target(user_a1) == 240  # warm, with the default tier's P3 target
    tier = ServiceTier.objects.get(is_default=True)
    targets = {t.priority: t for t in tier.targets.all()}
    client.force_login(admin_user)
    data = {
        "name": tier.name,
        "rank": tier.rank,
        "description": tier.description,
        "calendar": tier.calendar_id,
        "warning_percent": tier.warning_percent,
        "is_default": "on",
        "targets-TOTAL_FORMS": 4,
        "targets-INITIAL_FORMS": 4,
        "targets-MIN_NUM_FORMS": 4,
        "targets-MAX_NUM_FORMS": 4,
    }
    for i, (priority, target) in enumerate(sorted(targets.items())):
        response_minutes = 90 if priority == 3 else target.response_minutes
        data |= {
            f"targets-{i}-id": target.pk,
            f"targets-{i}-tier": tier.pk,
            f"targets-{i}-priority": priority,
            f"targets-{i}-response_minutes": response_minutes,
            f"targets-{i}-resolution_minutes": target.resolution_minutes,
        }
    version = cache.get(config_cache.VERSION_KEY)
    page = client.post(reverse("admin:sla_servicetier_change", args=[tier.pk]), data)
    assert page.status_code == 302, page.content.decode()[:2000]
    assert cache.get(config_cache.VERSION_KEY) != version  # every process reloads
    assert response_target(user_a1) == 90


def test_two_clients_with_different_tiers_never_share_a_copy(
    client_a, client_b, site_a, user_a1, user_b1
):
    gold = make_tier("Gold", targets={p: (7, 70) for p in (1, 2, 3, 4)})
    assign(gold, client=client_a)
    silver = make_tier("Silver", targets={p: (11, 110) for p in (1, 2, 3, 4)})
    vip = f.make_user(client=client_a, site=site_a, username="vip")
    assign(silver, client=client_a, user=vip)
    for _ in range(2):  # cold, then warm: each person keeps their own tier
        assert response_target(user_a1) == 7
        assert response_target(user_b1) == 240
        assert response_target(vip) == 11
    # Another person of B, at another site, still gets B's (default) tier.
    other = f.make_user(client=client_b, site=f.make_site(client=client_b), username="b_other")
    assert response_target(other) == 240


def test_holiday_added_moves_the_next_deadline(user_a1):
    before = make_ticket(requester=user_a1, now=MONDAY_9, **FOR_PRIORITY[4]).sla_due_at
    calendar = BusinessCalendar.objects.get(code="cn-std")
    CalendarDay.objects.create(calendar=calendar, date=date(2026, 3, 2), kind="holiday")
    after = make_ticket(requester=user_a1, now=MONDAY_9, **FOR_PRIORITY[4]).sla_due_at
    assert after > before


def test_a_rolled_back_change_is_not_kept(user_a1):
    assert response_target(user_a1) == 240
    target = TierTarget.objects.get(tier__is_default=True, priority=3)
    with pytest.raises(RuntimeError), transaction.atomic():
        target.response_minutes = 15
        target.save()
        assert response_target(user_a1) == 15  # the transaction sees its own change
        raise RuntimeError("abandon")
    assert response_target(user_a1) == 240


def test_a_change_without_signal_is_seen_once_the_shared_version_moves(user_a1, monkeypatch):
    assert response_target(user_a1) == 240
    # Another process's write: this process gets no signal, only the shared version.
    TierTarget.objects.filter(tier__is_default=True, priority=3).update(response_minutes=20)
    assert response_target(user_a1) == 240  # still its copy: it was not told yet
    cache.set(config_cache.VERSION_KEY, "written-by-another-process", timeout=None)
    clock = config_cache.time.monotonic() + config_cache.CHECK_SECONDS
    monkeypatch.setattr(config_cache.time, "monotonic", lambda: clock)
    assert response_target(user_a1) == 20


def test_copies_are_reloaded_after_max_age_even_without_a_version(user_a1, monkeypatch):
    assert response_target(user_a1) == 240
    TierTarget.objects.filter(tier__is_default=True, priority=3).update(response_minutes=25)
    clock = config_cache.time.monotonic() + config_cache.MAX_AGE
    monkeypatch.setattr(config_cache.time, "monotonic", lambda: clock)
    assert response_target(user_a1) == 25


@pytest.mark.server
def test_a_change_saved_by_another_process_reaches_this_one_within_seconds(user_a1, monkeypatch):
    require_postgres()
    require_redis()
    assert database_is_postgres()
    assert response_target(user_a1) == 240
    url = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + "/" + connection.settings_dict["NAME"]
    script = (
        "import django; django.setup()\n"
        "from sla.models import TierTarget\n"
        "t = TierTarget.objects.get(tier__is_default=True, priority=3)\n"
        "t.response_minutes = 45\n"
        "t.save()\n"
    )
    subprocess.run(
        [sys.executable, "-c", script],
        env={**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "itsm.settings"},
        check=True,
        timeout=60,
    )
    clock = config_cache.time.monotonic() + config_cache.CHECK_SECONDS
    monkeypatch.setattr(config_cache.time, "monotonic", lambda: clock)
    assert response_target(user_a1) == 45


@pytest.mark.django_db(transaction=True)
def test_a_decorated_function_that_changes_a_setting_keeps_nothing_past_its_transaction():
    """@transaction.atomic reuses one Atomic object for every call: what one call loaded after
    its change must not be served to a later call, which reads the process's copies."""
    loads = iter(["first", "second"])

    @transaction.atomic
    def read(*, change: bool):
        if change:
            config_cache.config_changed()
        return config_cache.cached(("test.decorated",), lambda: next(loads))

    assert read(change=True) == "first"
    config_cache.forget_local()  # e.g. the shared version moved since
    assert read(change=False) == "second"
