"""The OpenAPI schema is true and useful: every operation has a summary, the description names
only what exists, and what the schema calls a paged list answers as one."""

import pytest

from tests.factories import make_ticket

pytestmark = pytest.mark.django_db
METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture
def schema(client):
    return client.get("/api/schema/", HTTP_ACCEPT="application/json").json()


def test_every_operation_has_a_summary(schema):
    missing = [
        f"{method.upper()} {path}"
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in METHODS and not operation.get("summary", "").strip()
    ]
    assert not missing, f"add extend_schema(summary=...) to: {missing}"


def test_the_description_promises_nothing_that_does_not_exist(schema):
    description = schema["info"]["description"].lower()
    assert "report" not in description and "dashboard" not in description
    for area in ("tickets", "notices", "complaints", "satisfaction", "token"):
        assert area in description


def paged_in_schema(schema, path: str) -> bool:
    content = schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
    return content["schema"].get("$ref", "").split("/")[-1].startswith("Paginated")


@pytest.mark.parametrize("tail", ["events", "attachments"])
def test_ticket_sublists_are_paged_as_the_schema_says(schema, api_for, user_a1, agent_a, tail):
    ticket = make_ticket(requester=user_a1)
    path = f"/api/v1/tickets/{{id}}/{tail}/"
    assert paged_in_schema(schema, path)
    body = api_for(agent_a).get(path.replace("{id}", str(ticket.pk))).json()
    assert set(body) == {"next", "previous", "results"}
    if tail == "events":
        assert body["results"] and body["next"] is None


def test_every_parameterless_list_answers_in_the_shape_the_schema_gives(
    schema, api_for, admin_user
):
    api = api_for(admin_user)
    for path, item in schema["paths"].items():
        if "get" not in item or "{" in path or "by-token" in path:
            continue
        body = api.get(path).json()
        if paged_in_schema(schema, path):
            assert isinstance(body, dict) and "results" in body, path
        else:
            assert isinstance(body, list | dict) and "results" not in body, path


def test_a_long_timeline_comes_in_pages(api_for, user_a1, agent_a):
    from tickets import services

    ticket = make_ticket(requester=user_a1)
    for number in range(55):
        services.ticket_reply(actor=agent_a, ticket=ticket, body=f"reply {number}")
    api = api_for(agent_a)
    first = api.get(f"/api/v1/tickets/{ticket.pk}/events/").json()
    assert len(first["results"]) == 50 and first["next"]
    second = api.get(first["next"]).json()
    assert len(second["results"]) >= 6 and second["previous"]
