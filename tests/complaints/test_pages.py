"""Complaint pages per role: create forms, actions offered, constant queries on lists."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from itsm.models import OutboundEmail
from reports.complaints.models import Complaint

from .conftest import open_complaint

pytestmark = pytest.mark.django_db


def queries_for(web, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = web.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.mark.parametrize("who", ["user_a1", "manager_a", "agent_a"])
def test_list_page_queries_are_constant(request, login, user_a1, manager_a, client_a, who):
    web = login(request.getfixturevalue(who))
    url = reverse("complaints:complaint-list")
    for _ in range(2):
        open_complaint(user_a1)
        open_complaint(manager_a, source="via_client")
    small = queries_for(web, url)
    for _ in range(9):
        open_complaint(user_a1)
        open_complaint(manager_a, source="via_client")
    large = queries_for(web, url)
    assert small == large and large <= 10


def test_queue_flag_costs_one_query_per_page(login, agent_a, user_a1):
    from tests.factories import make_ticket

    web = login(agent_a)
    tickets = [make_ticket(requester=user_a1) for _ in range(3)]
    open_complaint(user_a1, tickets=[tickets[0]])
    web.get(reverse("tickets:ticket-queue"))  # the drop-down lists are cached from here on
    small = queries_for(web, reverse("tickets:ticket-queue"))
    tickets += [make_ticket(requester=user_a1) for _ in range(20)]
    for ticket in tickets[5:15]:
        open_complaint(user_a1, tickets=[ticket])
    response = web.get(reverse("tickets:ticket-queue"))
    assert response.content.decode().count("complaint-flag") == 11
    assert queries_for(web, reverse("tickets:ticket-queue")) == small


def test_workspace_shows_the_open_complaint(login, agent_a, user_a1, ticket_a1):
    complaint = open_complaint(user_a1, tickets=[ticket_a1])
    body = login(agent_a).get(reverse("tickets:ticket-workspace", args=[ticket_a1.pk]))
    assert complaint.reference in body.content.decode()


def test_end_user_complains_from_the_ticket_page(login, user_a1, ticket_a1, agent_a):
    web = login(user_a1)
    detail = web.get(reverse("portal:ticket-detail", args=[ticket_a1.pk])).content.decode()
    link = reverse("complaints:complaint-new") + f"?ticket={ticket_a1.pk}"
    assert link in detail
    form = web.get(link).content.decode()
    assert ticket_a1.reference in form and 'name="source"' not in form
    response = web.post(
        reverse("complaints:complaint-new"),
        {
            "category": "not_resolved",
            "severity": "normal",
            "subject": "Not fixed",
            "description": "Jams again",
            "ticket_refs": ticket_a1.reference,
        },
    )
    complaint = Complaint.objects.get()
    assert response.status_code == 302 and complaint.source == "direct"
    assert list(complaint.tickets.all()) == [ticket_a1]
    assert OutboundEmail.objects.filter(to=agent_a.email, subject__contains="New complaint")


def test_manager_form_offers_sites_and_people_of_their_client_only(login, manager_a, user_b1):
    form = login(manager_a).get(reverse("complaints:complaint-new")).content.decode()
    assert 'name="people"' in form and "user_b1" not in form and 'name="client"' not in form


def test_bad_reference_is_a_clear_400(login, manager_a, ticket_b1):
    response = login(manager_a).post(
        reverse("complaints:complaint-new"),
        {
            "category": "other",
            "severity": "normal",
            "subject": "s",
            "description": "d",
            "ticket_refs": ticket_b1.reference,
        },
    )
    assert response.status_code == 400
    assert "No ticket of yours has the reference" in response.content.decode()
    assert not Complaint.objects.exists()


def test_detail_offers_only_the_viewers_moves(login, user_a1, agent_a, manager_a):
    complaint = open_complaint(user_a1)
    url = reverse("complaints:complaint-detail", args=[complaint.pk])
    staff = login(agent_a).get(url).content.decode()
    assert 'value="acknowledge"' in staff and 'value="accept"' not in staff
    manager = login(manager_a).get(url).content.decode()
    assert 'value="acknowledge"' not in manager and 'name="internal"' not in manager
    refused = login(manager_a).post(url, {"action": "acknowledge"})
    assert refused.status_code == 403
    assert Complaint.objects.get().status == "open"


def test_everyone_concerned_is_told_in_their_language(
    user_a1, manager_a, agent_a, ticket_a1, client_a
):
    manager_a.language = "zh-hans"
    manager_a.save()
    OutboundEmail.objects.all().delete()
    open_complaint(user_a1, tickets=[ticket_a1])
    recipients = dict(OutboundEmail.objects.values_list("to", "subject"))
    assert set(recipients) == {manager_a.email, agent_a.email, user_a1.email} - {user_a1.email}
    assert "新投诉" in recipients[manager_a.email]
    assert "New complaint" in recipients[agent_a.email]


def test_end_users_see_only_their_own_complaints(login, api_for, user_a1, user_a2, manager_a):
    own = open_complaint(user_a1)
    about_a2 = open_complaint(manager_a, source="via_client", people=[user_a2])
    web = login(user_a2)
    assert web.get(reverse("complaints:complaint-detail", args=[own.pk])).status_code == 404
    assert web.get(reverse("complaints:complaint-detail", args=[about_a2.pk])).status_code == 200
    listed = web.get(reverse("complaints:complaint-list")).content.decode()
    assert about_a2.reference in listed and own.reference not in listed
    api = [row["id"] for row in api_for(user_a2).get("/api/v1/complaints/").json()["results"]]
    assert api == [about_a2.pk]
    manager = [row["id"] for row in api_for(manager_a).get("/api/v1/complaints/").json()["results"]]
    assert sorted(manager) == sorted([own.pk, about_a2.pk])
