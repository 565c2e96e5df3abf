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
from tickets import services as ticket_services
from tickets.models import ReplyTemplate, Ticket

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
        requester = f.make_user(client=site_a.client, site=site_a, username="redis_requester")
        url = reverse("tickets:ticket-workspace", args=[f.make_ticket(requester=requester).pk])
        assert reply_titles(web_a.get(url).content.decode()) == []
        ReplyTemplate.objects.create(team=agent_a.teams.get(), title="Via Redis", body="x")
        assert reply_titles(web_a.get(url).content.decode()) == ["Via Redis"]
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


def header(html: str) -> str:
    """The workspace's ticket card: client, site, category, assignee and team."""
    return re.search(r'<div class="card">.*?<div class="markdown">', html, re.S).group(0)


def reply_titles(html: str) -> list[str]:
    found = re.search(r'<select id="reply-template".*?</select>', html, re.S)
    return re.findall(r'title="[^"]*">([^<]*)</option>', found.group(0)) if found else []


def test_the_workspace_names_assignee_team_and_category_as_they_are_now(
    login, agent_a, user_a1, client_a
):
    category = ServiceCategory.objects.get(code="desktop")
    ticket = f.make_ticket(requester=user_a1, category=category)
    team = agent_a.teams.get()
    ticket_services.ticket_assign(actor=agent_a, ticket=ticket, agent=agent_a, team=team)
    web = web_for(agent_a)
    url = reverse("tickets:ticket-workspace", args=[ticket.pk])
    card = header(web.get(url).content.decode())
    assert "agent_a" in card and "Team A" in card and category.name in card
    team.name = "Team A (night)"
    team.save()
    agent_a.first_name, agent_a.last_name = "Wang", "Fang"
    agent_a.save()
    category.name_zh = category.name_en = "桌面支持"
    category.save()
    card = header(web.get(url).content.decode())
    assert "Team A (night)" in card and "Wang Fang" in card and "桌面支持" in card


def test_names_not_on_the_lists_are_read_for_the_page(login, agent_a, admin_user, user_a1):
    """An admin on no team, a team that stopped serving the client, a category the agreement
    no longer covers: none is offered in the drop-downs, yet the card names each."""
    category = ServiceCategory.objects.create(code="printer", name_zh="Printer", name_en="Printer")
    ticket = f.make_ticket(requester=user_a1)
    night = f.make_team(members=[agent_a], clients=[user_a1.client], name="Night shift")
    ticket_services.ticket_assign(actor=admin_user, ticket=ticket, agent=admin_user, team=night)
    ticket.refresh_from_db()
    Ticket.objects.filter(pk=ticket.pk).update(category=category)
    night.clients.clear()
    web = web_for(agent_a)
    html = web.get(reverse("tickets:ticket-workspace", args=[ticket.pk])).content.decode()
    assert "admin1" not in options(html, "assignee") and "Night shift" not in options(html, "team")
    assert "Printer" not in options(html, "category")
    card = header(html)
    assert "admin1" in card and "Night shift" in card and "Printer" in card


def test_reply_templates_are_cached_per_agent_and_follow_changes(
    login, agent_a, agent_b, user_a1, user_b1
):
    ticket_a, ticket_b = f.make_ticket(requester=user_a1), f.make_ticket(requester=user_b1)
    team_a, team_b = agent_a.teams.get(), agent_b.teams.get()
    mine = ReplyTemplate.objects.create(team=team_a, title="Received", body="Hi {reference}")
    ReplyTemplate.objects.create(team=team_b, title="Team B only", body="secret B")
    web_a, web_b = web_for(agent_a), web_for(agent_b)
    url_a = reverse("tickets:ticket-workspace", args=[ticket_a.pk])
    url_b = reverse("tickets:ticket-workspace", args=[ticket_b.pk])
    html_a = web_a.get(url_a).content.decode()
    assert reply_titles(html_a) == ["Received"] and f"Hi {ticket_a.reference}" in html_a
    html_b = web_b.get(url_b).content.decode()  # agent_a's are cached now
    assert reply_titles(html_b) == ["Team B only"] and "Received" not in html_b
    assert reply_titles(web_a.get(url_a).content.decode()) == ["Received"]
    mine.title = "Received, thanks"
    mine.save()
    assert reply_titles(web_a.get(url_a).content.decode()) == ["Received, thanks"]
    ReplyTemplate.objects.create(team=team_a, title="Closing", body="Bye")
    assert reply_titles(web_a.get(url_a).content.decode()) == ["Closing", "Received, thanks"]
    mine.is_active = False
    mine.save()
    assert reply_titles(web_a.get(url_a).content.decode()) == ["Closing"]
    team_a.members.remove(agent_a)
    team_b.members.add(agent_a)
    team_b.clients.add(user_a1.client)
    assert reply_titles(web_a.get(url_a).content.decode()) == ["Team B only"]


def test_an_admin_gets_the_templates_of_each_clients_teams(
    login, admin_user, agent_a, agent_b, user_a1, user_b1
):
    ReplyTemplate.objects.create(team=agent_a.teams.get(), title="For A", body="a")
    ReplyTemplate.objects.create(team=agent_b.teams.get(), title="For B", body="b")
    web = web_for(admin_user)
    for requester, expected in ((user_a1, ["For A"]), (user_b1, ["For B"]), (user_a1, ["For A"])):
        ticket = f.make_ticket(requester=requester)
        html = web.get(reverse("tickets:ticket-workspace", args=[ticket.pk])).content.decode()
        assert reply_titles(html) == expected
