"""The agent's composer modes and action panel, and the end user's withdraw confirmation, in a
real browser: an internal note never reaches the end user."""

import re

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD, make_ticket
from tickets import services
from tickets.models import ReplyTemplate, Status

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

NOTE = "内部备注：怀疑是驱动问题 driver suspected"
REPLY = "请重启电脑后再试 please restart"


def test_composer_modes_and_action_panel(
    page, live_server, sign_in, sign_out, shot, user_a1, agent_a
):
    ticket = make_ticket(requester=user_a1, subject="电脑蓝屏 BSOD")
    ReplyTemplate.objects.create(
        team=agent_a.teams.get(),
        title="已收到",
        body="{requester_name}，您好：工单 {reference} 已收到。{agent_name}",
    )
    sign_in("agent_a")
    page.goto(f"{live_server.url}/queue/tickets/{ticket.pk}/")
    composer = page.locator("form#ticket-update")
    send = composer.locator("button.send")
    public_colour = composer.evaluate("el => getComputedStyle(el).borderLeftColor")
    expect(send.locator(".when-public")).to_be_visible()
    expect(send.locator(".when-internal")).to_be_hidden()
    shot("01-composer-reply-mode")

    # A reply template fills the composer with the ticket's values.
    composer.locator("select.reply-template").select_option(label="已收到")
    body = composer.locator("textarea[name=body]")
    expect(body).to_have_value(re.compile(rf"工单 {ticket.reference} 已收到"))
    body.fill("")

    composer.locator("label.mode-internal").click()
    expect(send.locator(".when-internal")).to_be_visible()
    expect(send.locator(".when-public")).to_be_hidden()
    note_colour = composer.evaluate("el => getComputedStyle(el).borderLeftColor")
    assert note_colour != public_colour  # the two modes do not look alike
    body.fill(NOTE)
    composer.locator("input[name=minutes]").fill("15")
    shot("02-composer-note-mode")
    send.click()
    expect(page.locator("ul.timeline li.note")).to_contain_text(NOTE)
    expect(page.locator("aside .time-total")).to_contain_text("15")

    # The action panel: claim, priority and status in one submit, with a public reply.
    panel = page.locator("aside .action-panel")
    panel.locator("select[name=assignee]").select_option(str(agent_a.pk))
    panel.locator("select[name=priority]").select_option("2")
    panel.locator("select[name=status]").select_option(Status.IN_PROGRESS)
    page.locator("form#ticket-update textarea[name=body]").fill(REPLY)
    shot("03-action-panel-filled")
    panel.locator("button[type=submit]").click()
    expect(page.locator("main .badge.status-in_progress")).to_be_visible()
    expect(page.locator("main .badge.p2")).to_be_visible()
    expect(page.locator("ul.timeline li.reply")).to_contain_text(REPLY)
    shot("04-action-panel-saved")
    ticket.refresh_from_db()
    assert (ticket.status, ticket.priority, ticket.assignee) == (Status.IN_PROGRESS, 2, agent_a)
    sign_out()

    sign_in("user_a1")
    page.goto(f"{live_server.url}/portal/tickets/{ticket.pk}/")
    expect(page.locator("ul.timeline")).to_contain_text(REPLY)
    expect(page.locator("main")).not_to_contain_text(NOTE)
    expect(page.locator("ul.timeline li.note")).to_have_count(0)
    shot("05-user-sees-reply-not-note")


def test_withdraw_asks_for_confirmation_and_a_reason(page, live_server, sign_in, shot, user_a1):
    ticket = make_ticket(requester=user_a1, subject="打印机卡纸 paper jam")
    sign_in("user_a1")
    page.goto(f"{live_server.url}/portal/tickets/{ticket.pk}/")
    withdraw = page.locator("details.withdraw")
    confirm = withdraw.locator("button[type=submit]")
    expect(confirm).to_be_hidden()  # nothing is cancelled by one click
    withdraw.locator("summary").click()
    expect(confirm).to_be_visible()
    shot("01-withdraw-opened")
    confirm.click()  # no reason: the browser keeps the form (required field)
    ticket.refresh_from_db()
    assert ticket.status == Status.NEW
    withdraw.locator("textarea[name=reason]").fill("问题自己好了 it works again")
    confirm.click()
    expect(page.locator("main .badge.status-cancelled")).to_be_visible()
    expect(page.locator("ul.timeline")).to_contain_text("问题自己好了")
    shot("02-withdrawn")
    ticket.refresh_from_db()
    assert ticket.status == Status.CANCELLED


def test_withdraw_and_reopen_work_without_javascript(
    browser, browser_context_args, live_server, user_a1, agent_a
):
    """The confirmations are <details> forms: nothing needs a script."""
    fresh = make_ticket(requester=user_a1, subject="键盘失灵 keyboard")
    solved = make_ticket(requester=user_a1, subject="鼠标 mouse")
    services.ticket_assign(actor=agent_a, ticket=solved, agent=agent_a)
    services.ticket_change_status(actor=agent_a, ticket=solved, status=Status.RESOLVED)
    context = browser.new_context(**browser_context_args, java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/accounts/login/")
    form = page.locator("main form[action$='/accounts/login/']")
    form.locator("input[name=login]").fill("user_a1")
    form.locator("input[name=password]").fill(PASSWORD)
    form.locator("button[type=submit]").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)

    page.goto(f"{live_server.url}/portal/tickets/{fresh.pk}/")
    page.locator("details.withdraw summary").click()
    page.locator("details.withdraw textarea[name=reason]").fill("换了新键盘")
    page.locator("details.withdraw button[type=submit]").click()
    expect(page.locator("main .badge.status-cancelled")).to_be_visible()

    page.goto(f"{live_server.url}/portal/tickets/{solved.pk}/")
    page.locator("details.reopen summary").click()
    page.locator("details.reopen textarea[name=reason]").fill("右键还是不好用")
    page.locator("details.reopen button[type=submit]").click()
    expect(page.locator("main .badge.status-reopened")).to_be_visible()
    expect(page.locator("ul.timeline li.reply")).to_contain_text("右键还是不好用")
    context.close()
