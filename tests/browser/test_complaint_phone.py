"""Complaint pages at a phone viewport: nothing may scroll sideways."""

import pytest
from playwright.sync_api import expect

from reports.complaints import services
from tests import factories as f

from .test_phone_layout import PHONE, assert_no_horizontal_scroll

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("transactional_db")]


@pytest.mark.parametrize("who", ["user_a1", "manager_a"])
def test_complaint_pages_fit_a_phone(
    request, page, live_server, sign_in, shot, user_a1, manager_a, agent_a, who
):
    ticket = f.make_ticket(requester=user_a1, subject="打印机反复卡纸 Printer keeps jamming")
    complaint = services.complaint_open(
        actor=user_a1,
        client=user_a1.client,
        source="direct",
        category="repeated_fault",
        subject="修了三次还坏 Fixed three times and still broken",
        description="https://intranet.example.cn/very/long/path/that/does/not/break/anywhere/x.log",
        tickets=[ticket],
    )
    page.set_viewport_size(PHONE)
    sign_in(who)
    for step, path in (
        ("01-list", "/complaints/"),
        ("02-new", f"/complaints/new/?ticket={ticket.pk}"),
        ("03-detail", f"/complaints/{complaint.pk}/"),
    ):
        page.goto(f"{live_server.url}{path}")
        expect(page.locator("main h1")).to_be_visible()
        shot(step)
        assert_no_horizontal_scroll(page)
