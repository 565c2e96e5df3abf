"""The whole ticket journey in a real browser.

End user files -> agent claims, replies, notes (the composer's two modes) -> end user answers
-> agent resolves (action panel + composer, one submit) -> end user rates and confirms ->
client manager reads.
"""

import re

import pytest
from django.utils import translation
from playwright.sync_api import expect

from tickets.models import Ticket

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

SUBJECT = "打印机卡纸 3 楼 Printer jam"
DESCRIPTION = "三楼的打印机一直卡纸，已经重启过两次。\n\nThe printer on floor 3 keeps jamming."
ATTACHMENT = {
    "name": "error-log.txt",
    "mimeType": "text/plain",
    "buffer": "E02 卡纸 paper jam in tray 2\n".encode(),
}
AGENT_REPLY = "您好，我们已收到，请问是哪一台打印机？ Which printer is it?"
INTERNAL_NOTE = "内部备注：该型号定影器有已知问题 fuser recall"
USER_REPLY = "是 HP-3F-01 那一台。It is HP-3F-01."
RESOLVE_COMMENT = "已更换定影器 replaced the fuser"
RATING_COMMENT = "处理得很快，谢谢 quick fix"


def zh(message: str) -> str:
    """The text the server shows in the default language (as translated when the test runs)."""
    with translation.override("zh-hans"):
        return translation.gettext(message)


def test_ticket_journey(page, live_server, sign_in, sign_out, shot, user_a1, agent_a, manager_a):
    url = live_server.url

    # --- End user signs in by username and reports a problem --------------------------------
    sign_in("user_a1")
    expect(page).to_have_url(re.compile(r"/portal/$"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("header .who")).to_have_text("user_a1")
    shot("01-user-home")

    page.locator("main a.button[href$='/portal/tickets/new/']").click()
    expect(page).to_have_url(re.compile(r"/portal/tickets/new/$"))
    form = page.locator("main form[enctype='multipart/form-data']")
    form.locator("input[name=subject]").fill(SUBJECT)
    form.locator("textarea[name=description]").fill(DESCRIPTION)
    form.locator("select[name=impact]").select_option("2")  # a few people
    form.locator("select[name=urgency]").select_option("1")  # work has stopped
    form.locator("input[type=file][name=files]").set_input_files(ATTACHMENT)
    shot("02-new-ticket-filled")
    form.locator("button[type=submit]").click()

    expect(page).to_have_url(re.compile(r"/portal/tickets/\d+/$"))
    ticket = Ticket.objects.get(subject=SUBJECT)
    ref = ticket.reference
    assert ticket.requester == user_a1 and ticket.impact == 2 and ticket.urgency == 1
    expect(page.locator("main h1")).to_contain_text(ref)
    expect(page.locator("main h1")).to_contain_text(SUBJECT)
    expect(page.locator("ul.messages")).to_contain_text(ref)
    expect(page.locator("main .card .markdown")).to_contain_text("printer on floor 3 keeps jamming")
    expect(page.locator("ul.timeline a[href*='/attachments/']")).to_have_text("error-log.txt")
    expect(page.locator("main .badge.status-new")).to_be_visible()
    shot("03-user-ticket-filed")

    page.locator("header a[href$='/portal/tickets/']").click()
    row = page.locator("table.grid tbody tr", has_text=ref)
    expect(row).to_have_count(1)
    expect(row).to_contain_text(SUBJECT)
    shot("04-user-my-tickets")
    sign_out()

    # --- Agent signs in by email, claims, replies and writes an internal note --------------
    sign_in("agent_a@example.cn")
    expect(page).to_have_url(re.compile(r"/queue/$"))
    row = page.locator("table.grid tbody tr", has_text=ref)
    expect(row).to_contain_text(SUBJECT)
    expect(row).to_contain_text("HX")
    expect(row.locator(".sla-due")).to_be_visible()  # time left before the SLA target
    shot("05-agent-queue")
    row.get_by_role("link", name=ref).click()
    expect(page).to_have_url(re.compile(rf"/queue/tickets/{ticket.pk}/$"))
    expect(page.locator("main h1")).to_contain_text(ref)
    expect(page.locator(".sla-clock")).to_have_count(2)  # response and resolution clocks

    with page.expect_download() as download:
        page.locator("ul.timeline a[href*='/attachments/']", has_text="error-log.txt").click()
    assert download.value.suggested_filename == "error-log.txt"

    page.locator("form:has(input[name=action][value=claim]) button[type=submit]").click()
    expect(page.locator("ul.messages")).to_be_visible()
    expect(page.locator("form:has(input[name=action][value=claim])")).to_have_count(0)
    expect(page.locator("main .badge.status-assigned")).to_be_visible()
    expect(page.locator("main .split > div > .card").first).to_contain_text("agent_a")
    shot("06-agent-claimed")

    composer = page.locator("form#ticket-update")
    composer.locator("textarea[name=body]").fill(AGENT_REPLY)
    expect(composer.locator("button.send .when-public")).to_be_visible()
    composer.locator("button.send").click()
    expect(page.locator("ul.timeline li.reply")).to_contain_text(AGENT_REPLY)

    composer = page.locator("form#ticket-update")
    composer.locator("label.mode-internal").click()
    expect(composer.locator("button.send .when-internal")).to_be_visible()
    expect(composer.locator("button.send .when-public")).to_be_hidden()
    composer.locator("textarea[name=body]").fill(INTERNAL_NOTE)
    composer.locator("button.send").click()
    note = page.locator("ul.timeline li.note")
    expect(note).to_contain_text(INTERNAL_NOTE)
    expect(note.locator(".meta strong")).to_have_text(zh("internal"))
    shot("07-agent-reply-and-note")
    sign_out()

    # --- End user sees the reply, not the note, and answers ---------------------------------
    sign_in("user_a1")
    page.locator("main table.grid a", has_text=ref).click()  # from "my open tickets" on home
    expect(page).to_have_url(re.compile(rf"/portal/tickets/{ticket.pk}/$"))
    expect(page.locator("ul.timeline")).to_contain_text(AGENT_REPLY)
    expect(page.locator("main")).not_to_contain_text(INTERNAL_NOTE)
    expect(page.locator("ul.timeline li.note")).to_have_count(0)
    expect(page.locator("main")).to_contain_text("agent_a")  # "handled by"
    shot("08-user-sees-reply")

    reply_form = page.locator("form:has(input[name=action][value=reply])")
    reply_form.locator("textarea[name=body]").fill(USER_REPLY)
    reply_form.locator("button[type=submit]").click()
    expect(page.locator("ul.messages")).to_be_visible()
    expect(page.locator("ul.timeline li.reply", has_text=USER_REPLY)).to_have_count(1)
    shot("09-user-replied")
    sign_out()

    # --- Agent resolves through the action panel, the closing word through the composer --
    sign_in("agent_a")
    page.goto(f"{url}/queue/tickets/{ticket.pk}/")
    expect(page.locator("ul.timeline")).to_contain_text(USER_REPLY)
    panel = page.locator("aside .action-panel")
    panel.locator("select[name=status]").select_option("resolved")
    page.locator("form#ticket-update textarea[name=body]").fill(RESOLVE_COMMENT)
    panel.locator("button[type=submit]").click()
    expect(page.locator("main .badge.status-resolved")).to_be_visible()
    expect(page.locator("ul.timeline li.reply", has_text=RESOLVE_COMMENT)).to_have_count(1)
    shot("10-agent-resolved")
    sign_out()

    # --- End user: "this is solved", rates 4 with a comment, confirms -----------------------
    sign_in("user_a1")
    page.goto(f"{url}/portal/tickets/{ticket.pk}/")
    confirm = page.locator("form:has(input[name=action][value=confirm]) button[type=submit]")
    # "Still broken" first asks what is still wrong (a closed <details>, no JavaScript).
    reopen = page.locator("details.reopen summary")
    expect(confirm).to_be_visible()
    expect(reopen).to_be_visible()
    expect(confirm).to_have_text(zh("Yes, this is solved"))
    expect(reopen).to_have_text(zh("No, still broken"))
    expect(page.locator("details.reopen textarea[name=reason]")).to_be_hidden()
    shot("11-user-solved-question")

    rate_form = page.locator("#rate form:has(input[name=action][value=rate])")
    rate_form.locator("input[type=radio][name=score][value='4']").check()
    rate_form.locator("textarea[name=comment]").fill(RATING_COMMENT)
    rate_form.locator("button[type=submit]").click()
    thanks = zh("You rated this %(score)s out of 5. Thank you!") % {"score": 4}
    expect(page.locator("#rate")).to_have_text(thanks)
    expect(page.locator("ul.timeline")).to_contain_text(RATING_COMMENT)

    page.locator("form:has(input[name=action][value=confirm]) button[type=submit]").click()
    expect(page.locator("main .badge.status-closed")).to_be_visible()
    expect(page.locator("form:has(input[name=action][value=confirm])")).to_have_count(0)
    expect(page.locator("form:has(input[name=action][value=reply])")).to_have_count(0)
    expect(page.locator("#rate")).to_have_text(thanks)
    shot("12-user-closed-and-rated")
    ticket.refresh_from_db()
    assert ticket.status == "closed"
    sign_out()

    # --- Client manager: read-only list and detail, no internal note ------------------------
    sign_in("manager_a")
    expect(page).to_have_url(re.compile(r"/client/tickets/$"))
    row = page.locator("table.grid tbody tr", has_text=ref)
    expect(row).to_contain_text(SUBJECT)
    expect(row.locator(".badge.status-closed")).to_be_visible()
    shot("13-manager-list")
    row.get_by_role("link", name=ref).click()
    expect(page).to_have_url(re.compile(rf"/client/tickets/{ticket.pk}/$"))
    expect(page.locator("main h1")).to_contain_text(ref)
    timeline = page.locator("ul.timeline")
    expect(timeline).to_contain_text(AGENT_REPLY)
    expect(timeline).to_contain_text(USER_REPLY)
    expect(page.locator("main")).not_to_contain_text(INTERNAL_NOTE)
    expect(page.locator("ul.timeline li.note")).to_have_count(0)
    expect(page.locator("main aside")).to_contain_text("4/5")
    expect(page.locator("main aside")).to_contain_text(RATING_COMMENT)
    # Read-only: nothing to post, nothing to type in.
    expect(page.locator("main form")).to_have_count(0)
    expect(page.locator("main textarea, main input, main select")).to_have_count(0)
    shot("14-manager-detail")
