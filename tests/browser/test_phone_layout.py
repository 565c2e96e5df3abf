"""The end user's pages at a phone viewport: nothing may scroll sideways."""

import pytest
from playwright.sync_api import expect

from tests import factories as f
from tickets import services

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

PHONE = {"width": 390, "height": 844}


def horizontal_overflow(page) -> tuple[int, int]:
    return page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")


def assert_no_horizontal_scroll(page):
    scroll_width, inner_width = horizontal_overflow(page)
    assert scroll_width <= inner_width + 1, (
        f"{page.url} scrolls sideways at {inner_width}px: scrollWidth={scroll_width}"
    )


def test_portal_pages_fit_a_phone(page, live_server, sign_in, shot, user_a1, agent_a):
    ticket = f.make_ticket(
        requester=user_a1,
        subject="会议室投影仪无法显示 Meeting room projector shows no signal",
        description="上海分行 5 楼大会议室的投影仪连接笔记本后一直显示“无信号”。\n\n"
        "- 已换过 HDMI 线\n- 已重启投影仪\n\nThe projector says *no signal*.\n\n"
        "https://intranet.example.cn/very/long/path/that/does/not/break/anywhere/at/all/x.log\n\n"
        "    C:\\Program Files\\Cisco\\AnyConnect\\logs\\vpnagent-verbose.log line 1234567890",
        impact=2,
        urgency=2,
    )
    services.ticket_claim(actor=agent_a, ticket=ticket)
    services.ticket_reply(
        actor=agent_a,
        ticket=ticket,
        body="请尝试按遥控器上的 Source 键切换到 HDMI 2。Please try the Source key.",
    )
    f.make_ticket(requester=user_a1, subject="邮箱无法收信 Mailbox does not receive mail")

    page.set_viewport_size(PHONE)
    sign_in("user_a1")

    page.goto(f"{live_server.url}/portal/")
    expect(page.locator("main a.button[href$='/portal/tickets/new/']")).to_be_visible()
    expect(page.locator("main table.grid")).to_contain_text(ticket.reference)
    shot("01-home")
    assert_no_horizontal_scroll(page)

    page.goto(f"{live_server.url}/portal/tickets/new/")
    expect(page.locator("main input[name=subject]")).to_be_visible()
    expect(page.locator("main select[name=impact]")).to_be_visible()
    shot("02-new-ticket")
    assert_no_horizontal_scroll(page)

    page.goto(f"{live_server.url}/portal/tickets/{ticket.pk}/")
    expect(page.locator("main h1")).to_contain_text(ticket.reference)
    expect(page.locator("ul.timeline")).to_contain_text("Source")
    shot("03-ticket-detail")
    assert_no_horizontal_scroll(page)


def test_staff_pages_fit_a_phone(page, live_server, sign_in, shot, user_a1, agent_a):
    ticket = f.make_ticket(
        requester=user_a1,
        subject="长内容 long content",
        description="https://intranet.example.cn/very/long/path/that/does/not/break/anywhere/at/all/x.log",
    )
    page.set_viewport_size(PHONE)
    sign_in("agent_a")
    for step, path in (("01-queue", "/queue/"), ("02-workspace", f"/queue/tickets/{ticket.pk}/")):
        page.goto(f"{live_server.url}{path}")
        expect(page.locator("main h1")).to_be_visible()
        shot(step)
        assert_no_horizontal_scroll(page)


def test_the_staff_queue_is_usable_at_390px(page, live_server, sign_in, shot, user_a1, agent_a):
    """Each row is a card: reference and time left on one line, the subject whole, priority and
    status badges fully visible - not a due column wrapping one character per line."""
    f.make_ticket(requester=user_a1, subject="打印机冒烟 Printer is smoking", impact=1, urgency=1)
    f.make_ticket(requester=user_a1, subject="会议室投影仪无法显示 Meeting room projector")
    page.set_viewport_size(PHONE)
    sign_in("agent_a")
    page.goto(f"{live_server.url}/queue/")
    rows = page.locator("table.queue tbody tr")
    expect(rows).to_have_count(2)
    shot("01-queue-cards")
    assert_no_horizontal_scroll(page)
    width = PHONE["width"]
    for index in range(2):
        row = rows.nth(index)
        due = row.locator("td.due").bounding_box()
        ref = row.locator("td.ref").bounding_box()
        # Time left reads on one line, beside the reference.
        assert due["height"] < 30 and abs(due["y"] - ref["y"]) < 10, (due, ref)
        for cell in ("td.prio .badge", "td.status .badge", "td.subject"):
            box = row.locator(cell).bounding_box()
            assert box["width"] > 0 and box["x"] >= 0 and box["x"] + box["width"] <= width, cell
        assert row.locator("td.status .badge").bounding_box()["height"] < 30
