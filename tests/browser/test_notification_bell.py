"""The provider hears of a P1 in a real browser: an end user files it, an agent signs in and
sees the bell's count and the notification that leads to the ticket's workspace."""

import re

import pytest
from playwright.sync_api import expect

from tickets.models import Ticket

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

SUBJECT = "打印机冒烟 Printer is smoking"


def test_agent_sees_the_bell_and_opens_the_new_p1(
    page, live_server, sign_in, sign_out, shot, user_a1, agent_a, agent_b
):
    url = live_server.url

    sign_in("user_a1")
    page.goto(f"{url}/portal/tickets/new/")
    form = page.locator("main form[enctype='multipart/form-data']")
    form.locator("input[name=subject]").fill(SUBJECT)
    form.locator("textarea[name=description]").fill("三楼打印机冒烟了，已经断电。")
    form.locator("select[name=impact]").select_option("1")  # a whole site
    form.locator("select[name=urgency]").select_option("1")  # work has stopped
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/portal/tickets/\d+/$"))
    ticket = Ticket.objects.get(subject=SUBJECT)
    assert ticket.priority == 1
    expect(page.locator("header a.bell")).to_have_count(0)  # end users have no bell
    sign_out()

    # Team B does not serve this client: its agent's bell stays silent.
    sign_in("agent_b")
    expect(page.locator("header a.bell")).to_be_visible()
    expect(page.locator("header a.bell .count")).to_have_count(0)
    sign_out()

    sign_in("agent_a")
    bell = page.locator("header a.bell")
    expect(bell.locator(".count")).to_have_text("1")
    shot("01-agent-bell")
    bell.click()
    expect(page).to_have_url(re.compile(r"/notifications/$"))
    row = page.locator("table.notifications tbody tr.unread")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(ticket.reference)
    expect(row).to_contain_text("新工单")
    expect(row).to_contain_text("P1")
    shot("02-notification-list")
    row.locator("button[name=open]").click()
    expect(page).to_have_url(re.compile(rf"/queue/tickets/{ticket.pk}/$"))
    expect(page.locator("main")).to_contain_text(SUBJECT)
    expect(page.locator("header a.bell .count")).to_have_count(0)  # read by opening it
    shot("03-workspace-after-open")
