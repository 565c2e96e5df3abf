"""A low rating opens one service-recovery follow-up; leads and client managers are told."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from itsm.models import OutboundEmail
from reports.complaints.models import Complaint
from reports.satisfaction.models import FollowUp
from reports.satisfaction.recovery import (
    follow_up_complaint_open,
    follow_up_complaint_seed,
    follow_up_open,
)
from tests.factories import make_team, make_ticket, make_user
from tickets import services

from .helpers import last_links, reopen, resolve

pytestmark = pytest.mark.django_db


@pytest.fixture
def lead_a(client_a):
    lead = make_user(role="agent", username="lead_a")
    make_team(members=[lead], clients=[client_a], lead=lead, name="Desk A")
    return lead


def mails_to(person):
    return list(OutboundEmail.objects.filter(to=person.email).values_list("subject", flat=True))


def test_low_rating_opens_one_follow_up_and_tells_lead_and_manager(
    client, ticket_a1, agent_a, lead_a, manager_a, user_a1, agent_b, manager_b
):
    resolve(ticket_a1, agent_a)
    client.get(last_links(user_a1)[2])
    follow_up = FollowUp.objects.get()
    assert follow_up.status == "open" and follow_up.client_id == ticket_a1.client_id
    assert follow_up.rating.score == 2 and follow_up.ticket_id == ticket_a1.pk
    assert any("Low rating 2/5" in s for s in mails_to(lead_a))
    assert any("Low rating 2/5" in s for s in mails_to(agent_a))  # agent_a leads Team A
    assert any("rated our service 2/5" in s for s in mails_to(manager_a))
    assert mails_to(agent_b) == [] and mails_to(manager_b) == []


def test_follow_up_is_opened_exactly_once_per_rating(ticket_a1, agent_a, user_a1, lead_a):
    resolve(ticket_a1, agent_a)
    rating = services.ticket_rate(actor=user_a1, ticket=ticket_a1, score=1)
    emails = OutboundEmail.objects.count()
    assert follow_up_open(rating=rating) is None  # a second delivery of the signal
    assert FollowUp.objects.count() == 1 and OutboundEmail.objects.count() == emails


def test_each_low_rated_resolution_gets_its_own_follow_up(ticket_a1, agent_a, user_a1):
    resolve(ticket_a1, agent_a)
    services.ticket_rate(actor=user_a1, ticket=ticket_a1, score=1)
    reopen(ticket_a1, user_a1)
    resolve(ticket_a1, agent_a)
    services.ticket_rate(actor=user_a1, ticket=ticket_a1, score=2)
    assert sorted(FollowUp.objects.values_list("rating__resolution", flat=True)) == [1, 2]


@pytest.mark.parametrize(
    ("threshold", "score", "opened"), [(2, 3, False), (2, 2, True), (3, 3, True)]
)
def test_threshold_is_a_setting(settings, ticket_a1, agent_a, user_a1, threshold, score, opened):
    settings.CSAT_LOW_SCORE_THRESHOLD = threshold
    resolve(ticket_a1, agent_a)
    services.ticket_rate(actor=user_a1, ticket=ticket_a1, score=score)
    assert FollowUp.objects.exists() is opened


def test_lead_marks_done_with_a_note(login, ticket_a1, agent_a, user_a1):
    resolve(ticket_a1, agent_a)
    services.ticket_rate(actor=user_a1, ticket=ticket_a1, score=1, comment="太慢")
    follow_up = FollowUp.objects.get()
    web = login(agent_a)
    page = web.get(reverse("satisfaction:followup-list")).content.decode()
    assert ticket_a1.reference in page and "太慢" in page
    url = reverse("satisfaction:followup-done", args=[follow_up.pk])
    empty = web.post(url, {"note": "  "})
    assert empty.status_code == 400 and "Write what was done" in empty.content.decode()
    assert web.post(url, {"note": "Called back, replaced the toner"}).status_code == 302
    follow_up.refresh_from_db()
    assert follow_up.status == "done" and follow_up.handled_by == agent_a
    assert follow_up.note == "Called back, replaced the toner"
    again = web.post(url, {"note": "again"})
    assert again.status_code == 400 and "already marked done" in again.content.decode()
    done = web.get(reverse("satisfaction:followup-list"), {"status": "done"}).content.decode()
    assert "Called back, replaced the toner" in done


def test_client_side_never_sees_follow_ups(login, ticket_a1, agent_a, user_a1, manager_a):
    resolve(ticket_a1, agent_a)
    services.ticket_rate(actor=user_a1, ticket=ticket_a1, score=1)
    follow_up = FollowUp.objects.get()
    for person in (user_a1, manager_a):
        web = login(person)
        assert web.get(reverse("satisfaction:followup-list")).status_code == 403
        url = reverse("satisfaction:followup-done", args=[follow_up.pk])
        assert web.post(url, {"note": "x"}).status_code == 403
    assert FollowUp.objects.get().status == "open"


def test_complaint_seed_names_client_ticket_and_user(ticket_a1, agent_a, user_a1):
    resolve(ticket_a1, agent_a)
    services.ticket_rate(actor=user_a1, ticket=ticket_a1, score=1, comment="要投诉")
    seed = follow_up_complaint_seed(FollowUp.objects.get())
    assert seed["client_id"] == ticket_a1.client_id and seed["ticket_ids"] == [ticket_a1.pk]
    assert seed["end_user_ids"] == [user_a1.pk] and seed["description"] == "要投诉"


def low_rated(requester, agent, count):
    for _ in range(count):
        ticket = make_ticket(requester=requester)
        resolve(ticket, agent)
        services.ticket_rate(actor=requester, ticket=ticket, score=1, comment="slow")


def test_follow_up_list_queries_are_constant(login, agent_a, user_a1):
    web = login(agent_a)
    url = reverse("satisfaction:followup-list")
    low_rated(user_a1, agent_a, 3)
    with CaptureQueriesContext(connection) as small:
        assert web.get(url).status_code == 200
    low_rated(user_a1, agent_a, 30)
    with CaptureQueriesContext(connection) as large:
        assert web.get(url).status_code == 200
    assert len(small) == len(large) <= 12


def test_follow_ups_are_read_by_the_serving_staff_only(
    ticket_a1, agent_a, agent_b, user_a1, manager_a, admin_user
):
    from reports.satisfaction.selectors import follow_up_list_for

    resolve(ticket_a1, agent_a)
    services.ticket_rate(actor=user_a1, ticket=ticket_a1, score=1)
    assert follow_up_list_for(user=agent_a).count() == 1
    assert follow_up_list_for(user=admin_user).count() == 1
    for outsider in (agent_b, manager_a, user_a1):
        assert not follow_up_list_for(user=outsider).exists()


@pytest.mark.parametrize("raw", ["9223372036854775807", "9223372036854775808", "1" + "0" * 20])
def test_ids_past_bigint_are_404(login, agent_a, manager_a, raw):
    assert (
        login(agent_a).post(f"/satisfaction/follow-ups/{raw}/done/", {"note": "x"}).status_code
        == 404
    )
    assert login(manager_a).get(f"/satisfaction/surveys/{raw}/").status_code == 404


def test_lead_turns_a_follow_up_into_a_complaint_once(login, ticket_a1, agent_a, user_a1):
    resolve(ticket_a1, agent_a)
    services.ticket_rate(actor=user_a1, ticket=ticket_a1, score=1, comment="修了三次还坏")
    follow_up = FollowUp.objects.get()
    web = login(agent_a)
    url = reverse("satisfaction:followup-complaint", args=[follow_up.pk])
    assert url in web.get(reverse("satisfaction:followup-list")).content.decode()
    response = web.post(url)
    complaint = Complaint.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("complaints:complaint-detail", args=[complaint.pk])
    assert complaint.source == "direct" and complaint.client_id == ticket_a1.client_id
    assert complaint.description == "修了三次还坏" and complaint.raised_by == agent_a
    assert list(complaint.tickets.all()) == [ticket_a1]
    assert list(complaint.people.all()) == [user_a1]
    follow_up.refresh_from_db()
    assert follow_up.complaint == complaint
    page = web.get(reverse("satisfaction:followup-list")).content.decode()
    assert complaint.reference in page and url not in page
    again = web.post(url)
    assert again.status_code == 400 and "already opened" in again.content.decode()
    assert Complaint.objects.count() == 1


def test_a_rating_without_comment_still_describes_the_complaint(ticket_a1, agent_a, user_a1):
    resolve(ticket_a1, agent_a)
    services.ticket_rate(actor=user_a1, ticket=ticket_a1, score=2)
    complaint = follow_up_complaint_open(actor=agent_a, follow_up=FollowUp.objects.get())
    assert complaint.description == "Rated 2/5 without a comment."


def test_client_side_and_other_desks_cannot_open_the_complaint(
    login, ticket_a1, agent_a, agent_b, user_a1, manager_a
):
    resolve(ticket_a1, agent_a)
    services.ticket_rate(actor=user_a1, ticket=ticket_a1, score=1)
    url = reverse("satisfaction:followup-complaint", args=[FollowUp.objects.get().pk])
    assert login(user_a1).post(url).status_code == 403
    assert login(manager_a).post(url).status_code == 403
    assert login(agent_b).post(url).status_code == 404
    assert not Complaint.objects.exists() and FollowUp.objects.get().complaint is None
