"""SLA timeline entries are stored as facts and worded in the viewer's language when shown."""

import pytest
from django.urls import reverse
from django.utils import translation

from tests.factories import make_ticket
from tickets import services as ts
from tickets.models import TicketEvent

from .conftest import FOR_PRIORITY, cst

pytestmark = pytest.mark.django_db


@pytest.fixture
def retargeted(user_a1, agent_a):
    ticket = make_ticket(requester=user_a1, now=cst(3, 2, 9), **FOR_PRIORITY[3])
    with translation.override("zh-hans"):  # the writer's language must not matter
        ts.ticket_change_priority(actor=agent_a, ticket=ticket, priority=2, now=cst(3, 2, 10))
    return ticket


def test_the_entry_stores_facts_not_words(retargeted):
    event = retargeted.events.get(kind=TicketEvent.Kind.SLA)
    assert event.body == ""
    assert event.data["fact"] == "sla.retarget"
    assert event.data["reason"] == {"code": "priority", "old": 3, "new": 2}
    assert {change["kind"] for change in event.data["changes"]} == {"response", "resolution"}


def test_each_viewer_reads_it_in_their_language(retargeted):
    event = retargeted.events.get(kind=TicketEvent.Kind.SLA)
    with translation.override("en"):
        english = event.text
    with translation.override("zh-hans"):
        chinese = event.text
    assert english.startswith("SLA re-targeted (priority P3 → P2): Resolution target 1440 → 480")
    assert "due 2026-03-02 10:00 CST" in english
    assert chinese.startswith("SLA 目标已重新计算（优先级 P3 → P2）：")
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in english)


def test_pages_and_api_word_it_for_the_reader(retargeted, login, agent_a, api_for):
    # SLA entries are staff information (client-side timelines hide them): the workspace shows them.
    staff = login(agent_a)
    staff.cookies["django_language"] = "en"
    page = staff.get(reverse("tickets:ticket-workspace", args=[retargeted.pk]))
    assert "SLA re-targeted (priority P3 → P2)" in page.content.decode()
    api = api_for(agent_a)
    bodies = [
        e["body"]
        for e in api.get(
            f"/api/v1/tickets/{retargeted.pk}/events/", HTTP_ACCEPT_LANGUAGE="zh-hans"
        ).json()["results"]
    ]
    assert any(body.startswith("SLA 目标已重新计算") for body in bodies)


def test_entries_written_before_show_as_stored(user_a1):
    ticket = make_ticket(requester=user_a1)
    old = TicketEvent.objects.create(
        ticket=ticket,
        client=ticket.client,
        kind=TicketEvent.Kind.SLA,
        body="SLA 目标已重新计算（旧）",
    )
    with translation.override("en"):
        assert old.text == "SLA 目标已重新计算（旧）"
