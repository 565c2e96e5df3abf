"""A complaint in a real browser: an end user complains about a ticket, the owner (team lead)
acknowledges and resolves it, the client manager rejects once and then accepts."""

import re

import pytest
from django.utils import translation
from playwright.sync_api import expect

from reports.complaints.models import Complaint

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]

DESCRIPTION = "打印机修了三次还是卡纸，工程师也没有回电话。"
NOTE = "内部：该工程师本月第二次被投诉"
ROOT_CAUSE = "定影器老化，工程师只做了清洁。"
ACTION = "更换定影器；本月内回访所有同型号打印机。"
REASON = "今天又卡纸了，请派人现场确认。"


def zh(message: str, context: str | None = None) -> str:
    with translation.override("zh-hans"):
        if context:
            return translation.pgettext(context, message)
        return translation.gettext(message)


def act(page, action: str, **fields):
    form = page.locator(f"main form:has(input[name=action][value={action}])")
    for name, value in fields.items():
        form.locator(f"[name={name}]").fill(value)
    form.locator("button[type=submit]").click()
    expect(page.locator("ul.messages")).to_be_visible()


def test_complaint_journey(
    page, live_server, sign_in, sign_out, shot, user_a1, agent_a, manager_a, ticket_a1
):
    url = live_server.url

    # --- End user complains from the ticket page --------------------------------------------
    sign_in("user_a1")
    page.goto(f"{url}/portal/tickets/{ticket_a1.pk}/")
    link = page.locator("main p.complain a")
    expect(link).to_have_text("对处理不满意，我要投诉")
    shot("01-user-ticket-with-complain-link")
    link.click()
    expect(page).to_have_url(re.compile(rf"/complaints/new/\?ticket={ticket_a1.pk}$"))
    form = page.locator("main form.form")
    expect(form.locator("input[name=ticket_refs]")).to_have_value(ticket_a1.reference)
    form.locator("select[name=severity]").select_option("serious")
    form.locator("textarea[name=description]").fill(DESCRIPTION)
    shot("02-user-complaint-form")
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/complaints/\d+/$"))
    complaint = Complaint.objects.get()
    assert complaint.source == "direct" and complaint.owner == agent_a
    expect(page.locator("main h1")).to_contain_text(complaint.reference)
    expect(page.locator("main .badge.status-open")).to_have_text(zh("Open", "complaint"))
    shot("03-user-complaint-logged")
    sign_out()

    # --- The owner sees it on the queue and the ticket, acknowledges, investigates, resolves --
    sign_in("agent_a")
    row = page.locator("table.grid tbody tr", has_text=ticket_a1.reference)
    expect(row.locator(".complaint-flag")).to_have_text(zh("Complaint"))
    shot("04-owner-queue-flag")
    row.get_by_role("link", name=ticket_a1.reference).click()
    panel = page.locator("#complaints")
    expect(panel).to_contain_text(complaint.reference)
    shot("05-owner-workspace-panel")
    panel.get_by_role("link", name=complaint.reference).click()
    expect(page).to_have_url(re.compile(rf"/complaints/{complaint.pk}/$"))
    act(page, "acknowledge", comment="已收到，今天联系您。")
    expect(page.locator("main .badge.status-acknowledged")).to_be_visible()
    comment_form = page.locator("main form:has(input[name=action][value=comment])")
    comment_form.locator("textarea[name=body]").fill(NOTE)
    comment_form.locator("input[name=internal]").check()
    comment_form.locator("button[type=submit]").click()
    expect(page.locator("ul.timeline li.note")).to_contain_text(NOTE)
    act(page, "investigate")
    act(page, "resolve", root_cause=ROOT_CAUSE, corrective_action=ACTION)
    expect(page.locator("main .badge.status-resolved")).to_be_visible()
    expect(page.locator("main .root-cause")).to_contain_text(ROOT_CAUSE)
    shot("06-owner-resolved")
    sign_out()

    # --- The client manager rejects once ------------------------------------------------------
    sign_in("manager_a")
    page.locator("header a[href$='/complaints/']").click()
    row = page.locator("table.grid tbody tr", has_text=complaint.reference)
    expect(row.locator(".badge.status-resolved")).to_be_visible()
    shot("07-manager-list")
    row.get_by_role("link", name=complaint.reference).click()
    expect(page.locator("main")).not_to_contain_text(NOTE)
    expect(page.locator("ul.timeline li.note")).to_have_count(0)
    expect(page.locator("#decide")).to_be_visible()
    shot("08-manager-decides")
    act(page, "reject", reason=REASON)
    expect(page.locator("main .badge.status-reopened")).to_be_visible()
    expect(page.locator("ul.timeline")).to_contain_text(REASON)
    expect(page.locator("#decide")).to_have_count(0)
    shot("09-manager-rejected")
    sign_out()

    # --- The owner resolves again -------------------------------------------------------------
    sign_in("agent_a")
    page.goto(f"{url}/complaints/{complaint.pk}/")
    expect(page.locator("ul.timeline")).to_contain_text(REASON)
    act(page, "investigate", comment="今天下午派人到现场。")
    act(page, "resolve", root_cause=ROOT_CAUSE + "另有搓纸轮磨损。", corrective_action=ACTION)
    sign_out()

    # --- The client manager accepts -----------------------------------------------------------
    sign_in("manager_a")
    page.goto(f"{url}/complaints/{complaint.pk}/")
    act(page, "accept", comment="已确认，谢谢。")
    expect(page.locator("main .badge.status-closed")).to_be_visible()
    expect(page.locator("main form:has(input[name=action])")).to_have_count(0)
    shot("10-manager-accepted-closed")
    sign_out()

    # --- The end user follows it to closure ---------------------------------------------------
    sign_in("user_a1")
    page.locator("header a[href$='/complaints/']").click()
    row = page.locator("table.grid tbody tr", has_text=complaint.reference)
    expect(row.locator(".badge.status-closed")).to_be_visible()
    row.get_by_role("link", name=complaint.reference).click()
    expect(page.locator("main")).not_to_contain_text(NOTE)
    expect(page.locator("main .corrective-action")).to_contain_text(ACTION)
    shot("11-user-sees-closed")
    complaint.refresh_from_db()
    statuses = list(complaint.events.filter(kind="status").values_list("new_status", flat=True))
    assert statuses == [
        "acknowledged",
        "investigating",
        "resolved",
        "reopened",
        "investigating",
        "resolved",
        "closed",
    ]
