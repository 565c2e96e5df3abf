"""Satisfaction API: rating by token, survey answers, follow-ups; JSON errors; tenant scoping."""

import pytest
from rest_framework.test import APIClient

from reports.satisfaction.csat import csat_token
from reports.satisfaction.models import FollowUp, Question, Questionnaire, SurveyInvitation
from reports.satisfaction.surveys import surveys_send_due
from tickets import services
from tickets.models import Rating

from .helpers import request_of, resolve

pytestmark = pytest.mark.django_db
BY_TOKEN = "/api/v1/satisfaction/ratings/by-token/"


def test_rating_by_token_without_signing_in(ticket_a1, agent_a):
    resolve(ticket_a1, agent_a)
    api = APIClient()
    body = {"ticket": ticket_a1.pk, "token": csat_token(request_of(ticket_a1)), "score": 4}
    response = api.post(BY_TOKEN, {**body, "comment": "好"}, format="json")
    assert response.status_code == 201
    assert response.json() == {"ticket": ticket_a1.reference, "score": 4, "comment": "好"}
    again = api.post(BY_TOKEN, body, format="json")
    assert again.status_code == 409 and again.json()["code"] == "used"


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"token": "forged"}, "forged"),
        ({"score": 6}, None),
        ({"ticket": "abc"}, None),
    ],
)
def test_rating_by_token_refusals_are_json(ticket_a1, agent_a, change, code):
    resolve(ticket_a1, agent_a)
    body = {"ticket": ticket_a1.pk, "token": csat_token(request_of(ticket_a1)), "score": 4}
    response = APIClient().post(BY_TOKEN, {**body, **change}, format="json")
    assert response.status_code == 400 and response["Content-Type"] == "application/json"
    if code:
        assert response.json()["code"] == code
    assert not Rating.objects.exists()


def test_rating_by_token_for_another_ticket(ticket_a1, ticket_a2, agent_a):
    resolve(ticket_a1, agent_a)
    resolve(ticket_a2, agent_a)
    body = {"ticket": ticket_a2.pk, "token": csat_token(request_of(ticket_a1)), "score": 1}
    response = APIClient().post(BY_TOKEN, body, format="json")
    assert response.status_code == 400 and response.json()["code"] == "other_ticket"
    assert ticket_a1.reference not in response.content.decode()


@pytest.fixture
def survey(db):
    q = Questionnaire.objects.create(title="Q")
    Question.objects.create(questionnaire=q, kind="scale", text="Speed?")
    Question.objects.create(questionnaire=q, kind="recommend", text="Recommend?")
    return q


def test_survey_answers_over_the_api(api_for, survey, manager_a, manager_b, agent_b):
    surveys_send_due()
    invitation = SurveyInvitation.objects.get(person=manager_a)
    api = api_for(manager_a)
    listed = api.get("/api/v1/satisfaction/survey-invitations/").json()
    assert [row["id"] for row in listed["results"]] == [invitation.pk] and "next" in listed
    detail = api.get(f"/api/v1/satisfaction/survey-invitations/{invitation.pk}/").json()
    speed, recommend = (q["id"] for q in detail["questions"])
    url = f"/api/v1/satisfaction/survey-invitations/{invitation.pk}/answer/"
    bad = api.post(url, {"answers": {str(speed): "9", str(recommend): "9"}}, format="json")
    assert bad.status_code == 400 and bad.json()["code"] == "bad_score"
    ok = api.post(url, {"answers": {str(speed): "4", str(recommend): "9"}}, format="json")
    assert ok.status_code == 201 and ok.json()["answered_at"]
    again = api.post(url, {"answers": {str(speed): "1", str(recommend): "1"}}, format="json")
    assert again.status_code == 400 and again.json()["code"] == "already_answered"
    answers = api.get("/api/v1/satisfaction/survey-answers/").json()["results"]
    assert sorted(a["score"] for a in answers) == [4, 9]
    # Client B's people: A's invitation and answers are out of reach by guessed ids.
    for person in (manager_b, agent_b):
        other = api_for(person)
        assert (
            other.get(f"/api/v1/satisfaction/survey-invitations/{invitation.pk}/").status_code
            == 404
        )
        assert other.post(url, {"answers": {}}, format="json").status_code == 404
        assert other.get("/api/v1/satisfaction/survey-answers/").json()["results"] == []


def test_follow_ups_over_the_api(api_for, ticket_a1, agent_a, agent_b, user_a1, manager_a):
    resolve(ticket_a1, agent_a)
    services.ticket_rate(actor=user_a1, ticket=ticket_a1, score=1)
    follow_up = FollowUp.objects.get()
    url = f"/api/v1/satisfaction/follow-ups/{follow_up.pk}/"
    for outsider in (agent_b, manager_a, user_a1):
        assert api_for(outsider).get(url).status_code in (403, 404)
        done = api_for(outsider).post(url + "done/", {"note": "x"}, format="json")
        assert done.status_code in (403, 404)
    assert api_for(agent_b).get("/api/v1/satisfaction/follow-ups/").json()["results"] == []
    api = api_for(agent_a)
    listed = api.get("/api/v1/satisfaction/follow-ups/?status=open").json()["results"]
    assert [row["ticket"] for row in listed] == [ticket_a1.reference]
    assert api.post(url + "done/", {"note": ""}, format="json").status_code == 400
    done = api.post(url + "done/", {"note": "Called back"}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "done"
    assert done.json()["handled_by"] == "agent_a"
    assert FollowUp.objects.get().note == "Called back"


def test_schema_documents_the_routes(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    for path in [
        "/api/v1/satisfaction/ratings/by-token/",
        "/api/v1/satisfaction/survey-invitations/",
        "/api/v1/satisfaction/survey-invitations/{id}/answer/",
        "/api/v1/satisfaction/survey-answers/",
        "/api/v1/satisfaction/follow-ups/",
        "/api/v1/satisfaction/follow-ups/{id}/done/",
    ]:
        operations = schema["paths"][path]
        assert all(op.get("summary") for op in operations.values()), path


@pytest.mark.parametrize("raw", ["abc", "%C2%B2", "1e5", "100000000000000000000"])
def test_malformed_ids_are_404_not_500(api_for, agent_a, manager_a, raw):
    for person in (agent_a, manager_a):
        api = api_for(person)
        for url in (
            f"/api/v1/satisfaction/survey-invitations/{raw}/",
            f"/api/v1/satisfaction/follow-ups/{raw}/",
        ):
            response = api.get(url)
            assert response.status_code in (403, 404), (url, response.status_code)
