"""Workspace and client manager page show both SLA clocks; the queue shows time left."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_workspace_and_manager_page_show_both_clocks(login, agent_a, manager_a, ticket_a1):
    for user, url in [
        (agent_a, reverse("tickets:ticket-workspace", args=[ticket_a1.pk])),
        (manager_a, reverse("tickets:ticket-client-detail", args=[ticket_a1.pk])),
    ]:
        html = login(user).get(url).content.decode()
        assert html.count('class="card sla-clock') == 2, url
        assert "cn-std" in html or "China" in html or "中国" in html or "Standard" in html


def test_queue_shows_time_left(login, agent_a, ticket_a1):
    html = login(agent_a).get(reverse("tickets:ticket-queue")).content.decode()
    assert 'class="sla-due' in html and ("left" in html or "overdue" in html)
