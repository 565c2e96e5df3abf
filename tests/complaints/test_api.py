"""The complaint API: list, create, detail, timeline and actions; JSON errors; schema summaries."""

import pytest

from reports.complaints.models import Complaint

from .conftest import open_complaint

pytestmark = pytest.mark.django_db

BASE = "/api/v1/complaints/"


def test_end_user_complains_about_a_ticket_and_follows_it(api_for, user_a1, ticket_a1, agent_a):
    api = api_for(user_a1)
    response = api.post(
        BASE,
        {
            "category": "not_resolved",
            "severity": "serious",
            "subject": "Still broken",
            "description": "Third time.",
            "tickets": [ticket_a1.pk],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["source"] == "direct" and body["status"] == "open"
    assert body["tickets"] == [ticket_a1.reference] and body["owner"] == "agent_a"
    listed = api.get(BASE).json()
    assert [row["id"] for row in listed["results"]] == [body["id"]]
    assert listed["next"] is None and "count" not in listed


def test_client_manager_logs_via_client_and_cannot_choose_direct(api_for, manager_a, user_a2):
    api = api_for(manager_a)
    data = {"category": "attitude", "subject": "Rude", "description": "Rude on site."}
    response = api.post(BASE, {**data, "people": ["user_a2"]}, format="json")
    assert response.status_code == 201 and response.json()["source"] == "via_client"
    assert response.json()["people"] == ["user_a2"]
    refused = api.post(BASE, {**data, "source": "direct"}, format="json")
    assert refused.status_code == 403 and "detail" in refused.json()


def test_agent_logs_a_phone_complaint_for_a_client_they_serve(api_for, agent_a, client_a, client_b):
    api = api_for(agent_a)
    data = {"category": "slow_response", "subject": "Phone", "description": "Called us."}
    response = api.post(BASE, {**data, "client": client_a.pk, "source": "direct"}, format="json")
    assert response.status_code == 201
    assert api.post(BASE, data, format="json").status_code == 400  # no client named
    other = api.post(BASE, {**data, "client": client_b.pk}, format="json")
    assert other.status_code == 400 and "client" in other.json()


def test_actions_walk_the_workflow_and_errors_are_json(api_for, user_a1, agent_a, manager_a):
    complaint = open_complaint(user_a1)
    staff, manager = api_for(agent_a), api_for(manager_a)
    url = f"{BASE}{complaint.pk}/"
    early = staff.post(url + "resolve/", {"root_cause": "x", "corrective_action": "y"})
    assert early.status_code == 400 and early.json()["code"] == "illegal_transition"
    assert staff.post(url + "acknowledge/", {"comment": "On it"}).json()["status"] == "acknowledged"
    assert manager.post(url + "investigate/").status_code == 403
    assert staff.post(url + "investigate/").json()["status"] == "investigating"
    missing = staff.post(url + "resolve/", {"root_cause": "x"})
    assert missing.status_code == 400 and "corrective_action" in missing.json()
    resolved = staff.post(url + "resolve/", {"root_cause": "Worn", "corrective_action": "Fixed"})
    assert resolved.json()["status"] == "resolved"
    assert staff.post(url + "accept/").status_code == 403
    assert manager.post(url + "reject/", {}).status_code == 400
    reopened = manager.post(url + "reject/", {"reason": "Jams again"})
    assert reopened.json()["status"] == "reopened"
    staff.post(url + "resolve/", {"root_cause": "Roller", "corrective_action": "New roller"})
    assert manager.post(url + "accept/", {"comment": "OK"}).json()["status"] == "closed"
    timeline = manager.get(url + "timeline/").json()
    assert [e["new_status"] for e in timeline["results"] if e["kind"] == "status"] == [
        "acknowledged",
        "investigating",
        "resolved",
        "reopened",
        "resolved",
        "closed",
    ]
    assert Complaint.objects.get(pk=complaint.pk).status == "closed"


def test_guessed_ids_of_another_client_are_404(api_for, user_a1, user_b1, manager_b, ticket_a1):
    complaint = open_complaint(user_a1)
    for person in (user_b1, manager_b):
        api = api_for(person)
        assert api.get(f"{BASE}{complaint.pk}/").status_code == 404
        assert api.post(f"{BASE}{complaint.pk}/comment/", {"body": "x"}).status_code == 404
    linked = api_for(manager_b).post(
        BASE,
        {"category": "other", "subject": "s", "description": "d", "tickets": [ticket_a1.pk]},
        format="json",
    )
    assert linked.status_code == 400 and "tickets" in linked.json()


def test_schema_documents_complaints_with_summaries(client):
    schema = client.get("/api/schema/", {"format": "json"}).json()
    paths = {p: ops for p, ops in schema["paths"].items() if p.startswith("/api/v1/complaints")}
    expected = {"", "{id}/", "{id}/timeline/", "{id}/acknowledge/", "{id}/investigate/"}
    expected |= {"{id}/resolve/", "{id}/accept/", "{id}/reject/", "{id}/comment/"}
    assert {p.removeprefix("/api/v1/complaints/") for p in paths} == expected
    for ops in paths.values():
        for method, op in ops.items():
            if method in ("get", "post"):
                assert op.get("summary"), (method, op.get("operationId"))
    listing = paths["/api/v1/complaints/"]["get"]["responses"]["200"]["content"]
    ref = listing["application/json"]["schema"]["$ref"].rsplit("/", 1)[-1]
    assert "next" in schema["components"]["schemas"][ref]["properties"]
