"""The queue's drop-down lists come from the shared cache: per agent, fresh after any change."""

import re
import time

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client as WebClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from clients.models import Client, ServiceCategory
from itsm.tenancy import Role
from tests import factories as f
from tests.servers import redis_url, require_redis
from tickets import queue_lists

pytestmark = pytest.mark.django_db
QUEUE = reverse("tickets:ticket-queue")
# The five lists: clients, sites, agents, teams, categories.
LIST_QUERIES = 5


def web_for(user):
    """A browser of its own per person (the `login` fixture shares one test client)."""
    web = WebClient()
    web.force_login(user)
    return web


def get(web, params=""):
    with CaptureQueriesContext(connection) as ctx:
        response = web.get(QUEUE + params)
    assert response.status_code == 200
    return response.content.decode(), len(ctx.captured_queries)


def options(html: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S).group(0)
    return re.findall(r'<option value="[^"]+"[^>]*>([^<]*)</option>', select)


def test_the_lists_cost_five_queries_once_then_none(login, agent_a, client_a, site_a):
    web = login(agent_a)
    first_html, cold = get(web)
    second_html, warm = get(web)
    assert cold - warm == LIST_QUERIES
    assert options(first_html, "site") == options(second_html, "site")
    assert options(second_html, "client") == [client_a.name]
    assert options(second_html, "site") == [f"HX · {site_a.name}"]


def test_an_agent_never_reads_another_agents_lists(login, agent_a, agent_b, site_a, site_b):
    web_a, web_b = web_for(agent_a), web_for(agent_b)
    get(web_a)
    html_b, _ = get(web_b)  # agent_a's lists are in the cache now
    assert options(html_b, "client") == ["东方物流"]
    assert options(html_b, "site") == [f"DF · {site_b.name}"]
    assert "agent_a" not in "".join(options(html_b, "assignee"))
    html_a, _ = get(web_a)
    assert options(html_a, "client") == ["华信银行"]
    assert "Team B" not in "".join(options(html_a, "team"))


def test_each_language_has_its_own_lists(agent_a, client_a):
    category = ServiceCategory.objects.get(code="desktop")
    with translation.override("en"):
        assert (category.pk, "Category desktop") in queue_lists.lists_for(agent_a).categories
    with translation.override("zh-hans"):
        assert (category.pk, "类别 desktop") in queue_lists.lists_for(agent_a).categories


def test_additions_show_at_once(login, agent_a, client_a):
    """Each change alone, each followed by a read: every kind of change starts a generation."""
    web = login(agent_a)
    get(web)
    f.make_site(client=client_a, name="广州分行")
    assert "HX · 广州分行" in options(get(web)[0], "site")
    new_agent = f.make_user(role=Role.AGENT, username="agent_new")
    assert "agent_new" not in options(get(web)[0], "assignee")  # on no team serving HX yet
    agent_a.teams.get().members.add(new_agent)
    assert "agent_new" in options(get(web)[0], "assignee")
    category = ServiceCategory.objects.create(code="printer", name_zh="打印", name_en="Printer")
    assert "Printer" not in options(get(web)[0], "category")  # no agreement covers it yet
    client_a.agreements.get().categories.add(category)
    assert "Printer" in options(get(web)[0], "category")
    other = f.make_client(code="GZ", name="广州地铁")
    assert "广州地铁" not in options(get(web)[0], "client")
    agent_a.teams.get().clients.add(other)
    assert "广州地铁" in options(get(web)[0], "client")
    f.make_team(members=[agent_a], clients=[client_a], name="Night shift")
    assert "Night shift" in options(get(web)[0], "team")
    category.name_en = "Printers"
    category.save()
    assert "Printers" in options(get(web)[0], "category")


def test_renames_and_removals_show_at_once(login, agent_a, client_a, site_a):
    web = login(agent_a)
    get(web)
    client_a.name = "华信银行股份"
    client_a.save()
    assert options(get(web)[0], "client") == ["华信银行股份"]
    site_a.delete()
    assert options(get(web)[0], "site") == []
    agent_a.teams.get().clients.clear()
    assert options(get(web)[0], "client") == []


def test_a_sign_in_keeps_the_lists(login, agent_a, user_a1):
    web = login(agent_a)
    get(web)
    before = get(web)[1]
    WebClient().login(username="user_a1", password=f.PASSWORD)  # saves last_login only
    assert user_a1.__class__.objects.get(pk=user_a1.pk).last_login is not None
    assert get(web)[1] == before


def test_a_change_no_signal_sees_shows_within_a_minute(
    settings, login, agent_a, client_a, monkeypatch
):
    # The in-memory cache, whose clock the test can move (Redis keeps its own).
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    web = login(agent_a)
    get(web)
    Client.objects.filter(pk=client_a.pk).update(name="改名不经信号")  # no post_save
    assert options(get(web)[0], "client") == ["华信银行"]
    now = time.time()
    monkeypatch.setattr("django.core.cache.backends.locmem.time.time", lambda: now + 61)
    assert options(get(web)[0], "client") == ["改名不经信号"]


def test_the_entry_lives_one_minute_at_most(agent_a, monkeypatch):
    calls = []
    real_set = cache.set
    monkeypatch.setattr(cache, "set", lambda *a, **k: calls.append(a) or real_set(*a, **k))
    queue_lists.lists_for(agent_a)
    assert [a[2] for a in calls if a[0].startswith("queue-lists:v")] == [60]


@pytest.mark.server
def test_lists_in_redis_are_per_agent_and_invalidated(settings, login, agent_a, agent_b, site_a):
    require_redis()
    settings.CACHES = {
        "default": {"BACKEND": "itsm.cache.FallbackRedisCache", "LOCATION": redis_url()}
    }
    cache.clear()
    try:
        web_a, web_b = web_for(agent_a), web_for(agent_b)
        _, cold = get(web_a)
        html, warm = get(web_a)
        assert cold - warm == LIST_QUERIES
        assert options(get(web_b)[0], "client") == ["东方物流"]
        f.make_site(client=site_a.client, name="深圳分行")
        assert "HX · 深圳分行" in options(get(web_a)[0], "site")
    finally:
        cache.clear()


def test_the_workspace_offers_cached_lists_that_follow_changes(login, agent_a, user_a1):
    ticket = f.make_ticket(requester=user_a1)
    web = web_for(agent_a)
    url = reverse("tickets:ticket-workspace", args=[ticket.pk])
    web.get(url)
    with CaptureQueriesContext(connection) as ctx:
        html = web.get(url).content.decode()
    read = " ".join(q["sql"].split(" WHERE ")[0] for q in ctx.captured_queries)
    assert 'FROM "clients_servicecategory"' not in read and 'FROM "clients_team" ' not in read
    assert "agent_new" not in options(html, "assignee")
    agent_a.teams.get().members.add(f.make_user(role=Role.AGENT, username="agent_new"))
    assert "agent_new" in options(web.get(url).content.decode(), "assignee")
