"""Internal notes and escalations never reach client-side pages, API or email."""

import pytest
from django.urls import reverse

from itsm.models import OutboundEmail
from reports.complaints import services
from reports.complaints.escalation import complaints_sweep
from reports.complaints.models import ComplaintSettings

from .conftest import cst, open_complaint

pytestmark = pytest.mark.django_db

NOTE = "内部备注: the site engineer was rude, HR informed"
COMMENT = "We are calling the branch manager today."


@pytest.fixture
def noted(user_a1, agent_a, manager_a, client_a):
    ComplaintSettings.objects.create(client=client_a, hold_to_working_hours=False)
    complaint = open_complaint(user_a1)
    services.complaint_comment(actor=agent_a, complaint=complaint, body=NOTE, internal=True)
    services.complaint_comment(actor=agent_a, complaint=complaint, body=COMMENT)
    complaints_sweep(now=cst(3, 2, 12))  # escalation level 1: an internal timeline entry
    return complaint


def test_staff_see_the_note_and_the_escalation(noted, login, api_for, agent_a):
    page = login(agent_a).get(reverse("complaints:complaint-detail", args=[noted.pk]))
    body = page.content.decode()
    assert NOTE in body and COMMENT in body and "Level 1 (team lead)" in body
    timeline = api_for(agent_a).get(f"/api/v1/complaints/{noted.pk}/timeline/").json()
    assert NOTE in [e["body"] for e in timeline["results"]]


@pytest.mark.parametrize("who", ["user_a1", "manager_a"])
def test_client_side_never_sees_notes_or_escalations(request, noted, login, api_for, who):
    person = request.getfixturevalue(who)
    page = login(person).get(reverse("complaints:complaint-detail", args=[noted.pk]))
    body = page.content.decode()
    assert page.status_code == 200 and COMMENT in body
    assert NOTE not in body and "Level 1" not in body and "internal" not in body.lower()
    api = api_for(person)
    for url in (f"/api/v1/complaints/{noted.pk}/timeline/", f"/api/v1/complaints/{noted.pk}/"):
        text = api.get(url).content.decode()
        assert NOTE not in text and "escalation" not in text
    emails = OutboundEmail.objects.filter(to=person.email)
    assert emails.exists()  # they were told of the comment
    assert not any(NOTE in e.body for e in emails)


def test_client_side_cannot_write_notes(noted, user_a1, manager_a, api_for):
    for person in (user_a1, manager_a):
        response = api_for(person).post(
            f"/api/v1/complaints/{noted.pk}/comment/", {"body": "x", "internal": True}
        )
        assert response.status_code == 403


def test_the_note_is_mailed_to_the_owner_only(noted, agent_a):
    with_note = OutboundEmail.objects.filter(body__contains=NOTE)
    assert list(with_note.values_list("to", flat=True)) == []  # the owner wrote it himself


def test_a_note_by_someone_else_reaches_the_owner_only(noted, admin_user, agent_a):
    services.complaint_comment(actor=admin_user, complaint=noted, body="admin note", internal=True)
    assert list(
        OutboundEmail.objects.filter(body__contains="admin note").values_list("to", flat=True)
    ) == [agent_a.email]
