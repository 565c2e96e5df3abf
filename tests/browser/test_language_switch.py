"""The language select in the top bar switches the whole page between 简体中文 and English."""

import pytest
from django.utils import translation
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


def test_language_select_switches_between_chinese_and_english(
    page, live_server, sign_in, shot, user_a1
):
    with translation.override("zh-hans"):
        my_tickets_zh = translation.gettext("My tickets")

    sign_in("user_a1")
    page.goto(f"{live_server.url}/portal/tickets/")
    html = page.locator("html")
    select = page.locator("header form.lang select[name=language]")
    expect(html).to_have_attribute("lang", "zh-hans")
    expect(select).to_have_value("zh-hans")
    expect(select.locator("option")).to_have_text(["简体中文", "English"])
    expect(page.locator("main h1")).to_have_text(my_tickets_zh)
    shot("01-chinese")

    select.select_option("en")  # onchange submits the form; the page reloads in English
    expect(html).to_have_attribute("lang", "en")
    expect(page).to_have_url(f"{live_server.url}/portal/tickets/")  # stays on the same page
    expect(page.locator("main h1")).to_have_text("My tickets")
    expect(page.locator("header nav a[href$='/portal/tickets/']")).to_have_text("My tickets")
    expect(page.locator("header form.lang select[name=language]")).to_have_value("en")
    shot("02-english")

    # The choice sticks across pages (cookie), then switches back.
    page.goto(f"{live_server.url}/portal/")
    expect(html).to_have_attribute("lang", "en")
    page.locator("header form.lang select[name=language]").select_option("zh-hans")
    expect(html).to_have_attribute("lang", "zh-hans")
    expect(page.locator("header nav a[href$='/portal/tickets/']")).to_have_text(my_tickets_zh)
    shot("03-back-to-chinese")
