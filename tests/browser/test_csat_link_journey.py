"""In a real browser: an end user rates from the email link without signing in; the team lead
follows the low score up and notes what was done."""

import re

import pytest
from django.utils import translation
from playwright.sync_api import expect

from reports.satisfaction.models import FollowUp
from tests.satisfaction.helpers import last_links, resolve

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

COMMENT = "修了两次还是坏，要投诉 still broken"
NOTE = "已回电并更换打印机 called back, replaced the printer"


def zh(message: str) -> str:
    with translation.override("zh-hans"):
        return translation.gettext(message)


def test_rate_from_email_then_lead_follows_up(
    page, live_server, sign_in, shot, ticket_a1, agent_a, user_a1
):
    resolve(ticket_a1, agent_a)
    link = live_server.url + last_links(user_a1)[1]

    # --- Not signed in: one click records the score, then an optional comment --------------
    page.goto(link)
    expect(page).to_have_url(re.compile(r"/comment/$"))
    card = page.locator("#rating-thanks")
    expect(card.locator("h1")).to_have_text(zh("Thank you for your rating"))
    expect(card).to_contain_text(ticket_a1.reference)
    assert page.locator("header form[action$='/accounts/logout/']").count() == 0
    shot("01-thanks")
    card.locator("textarea[name=comment]").fill(COMMENT)
    card.locator("button[type=submit]").click()
    expect(page.locator("#rating-thanks")).to_contain_text(COMMENT)
    shot("02-commented")

    # --- The same link again is refused, clearly ---------------------------------------------
    page.goto(link)
    expect(page.locator("#rating-refused h1")).to_have_text(zh("This rating link cannot be used"))
    shot("03-reused")

    # --- The team lead sees the low score and marks it done with a note ----------------------
    sign_in("agent_a")
    page.locator("header a", has_text=zh("Follow-ups")).click()
    row = page.locator("tr.follow-up", has_text=ticket_a1.reference)
    expect(row).to_contain_text(COMMENT)
    shot("04-follow-ups")
    row.locator("textarea[name=note]").fill(NOTE)
    row.get_by_role("button", name=zh("Mark done")).click()
    expect(page.locator("tr.follow-up")).to_have_count(0)
    follow_up = FollowUp.objects.get()
    assert follow_up.status == "done" and follow_up.note == NOTE
    page.goto(f"{live_server.url}/satisfaction/follow-ups/?status=done")
    expect(page.locator("tr.follow-up", has_text=ticket_a1.reference)).to_contain_text(NOTE)
    shot("05-done")
