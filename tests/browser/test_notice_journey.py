"""Notice journey in Chromium: an agent publishes an outage, the end user sees it on a phone and
presses “已知悉”, the client manager sees the read rate."""

import re

import pytest
from playwright.sync_api import expect

from .test_phone_layout import PHONE, assert_no_horizontal_scroll

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


def test_notice_journey(page, live_server, sign_in, sign_out, shot, agent_a, user_a1, manager_a):
    sign_in("agent_a")
    page.locator("header a[href$='/notices/']").click()
    page.locator("main a[href$='/notices/new/']").click()
    form = page.locator("main form.form")
    form.locator("input[name=title]").fill("机房网络故障 Data centre network outage")
    form.locator("textarea[name=body]").fill("核心交换机故障，正在抢修。")
    form.locator("select[name=severity]").select_option("outage")
    form.locator("select[name=clients]").select_option(label="华信银行")
    shot("01-new-notice")
    form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/notices/\d+/$"))
    expect(page.locator("main")).to_contain_text("阅读率")
    expect(page.locator("main table")).to_contain_text("华信银行")
    shot("02-staff-detail")
    sign_out()

    page.set_viewport_size(PHONE)
    sign_in("user_a1")
    card = page.locator("main .card.notice")
    expect(card).to_contain_text("机房网络故障")
    shot("03-portal-home")
    assert_no_horizontal_scroll(page)
    card.get_by_role("button", name="已知悉").click()
    expect(page.locator(".messages")).to_be_visible()
    expect(page.locator("main .card.notice button")).to_have_count(0)
    shot("04-acknowledged")
    sign_out()

    page.set_viewport_size({"width": 1280, "height": 800})
    sign_in("manager_a")
    page.locator("header a[href$='/notices/']").click()
    expect(page.locator("main table.grid")).to_contain_text("华信银行: 已阅 1/1, 已确认 1")
    shot("05-manager-list")
