"""A client manager opens the service dashboard, switches period, reads a chart's numbers and
downloads them as CSV; the page fits a phone."""

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from reports.dashboards.rollups import rollups_rebuild
from sla.models import SlaClock
from tests import factories as f
from tests.dashboards.conftest import World, clock

from .test_phone_layout import PHONE, assert_no_horizontal_scroll

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]
SH = ZoneInfo("Asia/Shanghai")


def last_month_day(day: int, hour: int = 10) -> datetime:
    first = timezone.now().astimezone(SH).replace(day=1, hour=0, minute=0, second=0)
    start = (first - timedelta(days=1)).replace(day=1)
    return start.replace(day=day, hour=hour, microsecond=0)


def seed_last_month(client, sites, requesters) -> World:
    world = World(client, sites, requesters, [f.make_category("desktop")])
    for i in range(12):
        at = last_month_day(1 + i * 2)
        ticket = world.ticket(
            f"L{i}",
            site=sites[i % 2],
            requester=requesters[i % 2],
            created=at,
            priority=1 + i % 4,
            category=world.categories[0],
        )
        late = at + timedelta(hours=3) if i % 4 == 0 else None
        tier = ("金牌 Gold", "标准 Standard")[i % 2]
        clock(
            ticket,
            SlaClock.Kind.RESPONSE,
            met=True,
            minutes=20 + 5 * i,
            stopped=at + timedelta(minutes=30),
            tier=tier,
        )
        clock(
            ticket,
            SlaClock.Kind.RESOLUTION,
            met=not late,
            minutes=200 + 60 * i,
            stopped=at + timedelta(hours=8),
            breached=late,
            tier=tier,
        )
        world.resolve(ticket, at + timedelta(hours=8))
        if i % 3:
            world.rate(ticket, 2 + i % 4, "处理及时，谢谢" if i % 2 else "等待太久")
    return world


def test_manager_reads_the_dashboard(
    page, live_server, sign_in, shot, client_a, site_a, site_a2, user_a1, user_a2, manager_a
):
    seed_last_month(client_a, [site_a, site_a2], [user_a1, user_a2])
    rollups_rebuild(now=timezone.now())
    sign_in("manager_a")

    page.locator("header nav a[href='/dashboards/']").click()
    expect(page.locator("main h1")).to_contain_text("华信银行 服务看板")
    shot("01-this-month")

    page.locator("#period-select").select_option("last_month")
    page.locator("#period-form button[type=submit]").click()
    page.wait_for_url("**period=last_month**")
    sla = page.locator("#section-sla")
    expect(sla.locator(".kpi").first).to_contain_text("SLA 达标率")
    expect(sla).to_contain_text("%")
    shot("02-last-month")

    volume = page.locator("#table-volume")
    expect(volume.locator("svg.chart")).to_be_visible()
    volume.locator("details summary").click()
    table = volume.locator("table.grid")
    expect(table).to_be_visible()
    expect(table.locator("thead")).to_contain_text("新建")
    opened = sum(int(cell) for cell in table.locator("tbody tr td:nth-child(2)").all_inner_texts())
    assert opened == 12
    shot("03-chart-numbers")

    with page.expect_download() as info:
        volume.locator("a.csv").click()
    download = info.value
    assert download.suggested_filename.startswith("HX-volume-")
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    assert text.splitlines()[0].startswith("周期,新建,已解决")
    assert sum(int(line.split(",")[1]) for line in text.splitlines()[1:]) == 12

    comments = page.locator("#section-satisfaction ul.comments").first
    expect(comments).to_contain_text("处理及时，谢谢")
    fairness = page.locator("#section-fairness")
    expect(fairness).to_contain_text("金牌 Gold")
    shot("04-fairness")

    page.set_viewport_size(PHONE)
    page.reload()
    expect(page.locator("#table-volume svg.chart")).to_be_visible()
    shot("05-phone")
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(shot("05-phone").parent / "06-phone-top.png"))
    page.locator("#table-volume").scroll_into_view_if_needed()
    page.screenshot(path=str(shot("05-phone").parent / "07-phone-chart.png"))
    assert_no_horizontal_scroll(page)


def test_staff_overview_leads_to_a_client_dashboard(
    page, live_server, sign_in, shot, client_a, client_b, site_a, site_a2, user_a1, user_a2, agent_a
):
    team = agent_a.teams.get()
    team.clients.add(client_b)
    seed_last_month(client_a, [site_a, site_a2], [user_a1, user_a2])
    rollups_rebuild(now=timezone.now())
    sign_in("agent_a")
    page.locator("header nav a[href='/dashboards/overview/']").click()
    expect(page.locator("main h1")).to_contain_text("客户总览")
    page.locator("#period-select").select_option("last_month")
    page.locator("#period-form button[type=submit]").click()
    rows = page.locator("table.overview tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.first).to_contain_text("华信银行")  # missed SLA and low CSAT: riskiest
    shot("01-overview")
    rows.first.locator("a").first.click()
    expect(page.locator("main h1")).to_contain_text("华信银行 服务看板")
    expect(page.locator("#period-select")).to_have_value("last_month")
    shot("02-client-dashboard")
