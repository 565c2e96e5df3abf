"""Junk ids, pages and filters answer a clear 4xx (JSON under /api/), never a 500."""

import pytest

from itsm import params

pytestmark = pytest.mark.django_db

HUGE = "100000000000000000000"
JUNK_IDS = ["abc", "1e5", "%C2%B2", "%00", "-1", "0", HUGE, str(2**63), str(2**63 - 1)]


@pytest.fixture
def staff(client, agent_a, ticket_a1):
    client.raise_request_exception = False
    client.force_login(agent_a)
    return client


@pytest.mark.parametrize("junk", JUNK_IDS)
@pytest.mark.parametrize(
    "template",
    [
        "/api/v1/tickets/{}/",
        "/api/v1/tickets/{}/events/",
        "/api/v1/attachments/{}/download/",
    ],
)
def test_api_junk_id_is_json_404(staff, template, junk):
    response = staff.get(template.format(junk))
    assert response.status_code == 404, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["detail"]


@pytest.mark.parametrize("junk", JUNK_IDS)
@pytest.mark.parametrize(
    ("template", "who"),
    [
        ("/queue/tickets/{}/", "agent_a"),
        ("/client/tickets/{}/", "manager_a"),
        ("/portal/tickets/{}/", "user_a1"),
        ("/attachments/{}/", "user_a1"),
    ],
)
def test_page_junk_id_is_404_page(request, client, ticket_a1, template, who, junk):
    client.raise_request_exception = False
    client.force_login(request.getfixturevalue(who))
    response = client.get(template.format(junk))
    assert response.status_code == 404
    assert "There is nothing here" in response.content.decode()


def test_unknown_api_route_answers_json(staff):
    response = staff.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json()["detail"]


# Not named "page": pytest-playwright would take that for its fixture and group these tests
# with the browser tests, whose database flush then runs before the rest of this directory.
@pytest.mark.parametrize("number", [HUGE, str(2**63), str(2**63 - 1), "%C2%B2", "%00", "-3"])
@pytest.mark.parametrize(
    ("path", "who"),
    [
        ("/api/v1/tickets/", "agent_a"),
        ("/api/v1/tickets/", "user_a1"),
        ("/queue/", "agent_a"),
        ("/client/tickets/", "manager_a"),
        ("/portal/tickets/", "user_a1"),
    ],
)
def test_huge_or_junk_page_is_not_an_error(request, client, ticket_a1, path, who, number):
    client.raise_request_exception = False
    client.force_login(request.getfixturevalue(who))
    response = client.get(f"{path}?page={number}")
    assert response.status_code == 200, response.content[:300]


FILTERS = ["client", "site", "priority", "assignee", "team", "category", "status", "q"]
STAFF = set(FILTERS)
# Filters each list reads; the others are ignored there.
READS = {
    ("/api/v1/tickets/", "agent_a"): STAFF,
    ("/api/v1/tickets/", "manager_a"): {"status", "q", "site"},
    ("/queue/", "agent_a"): STAFF,
    ("/client/tickets/", "manager_a"): {"status", "site", "q", "priority"},
    ("/portal/tickets/", "user_a1"): {"status", "q"},
}


@pytest.mark.parametrize("value", ["%C2%B2", HUGE, "%00", "1e20", "x" * 5000])
@pytest.mark.parametrize("name", FILTERS)
@pytest.mark.parametrize(("path", "who"), sorted(READS))
def test_junk_filters_match_nothing(request, client, ticket_a1, path, who, name, value):
    client.raise_request_exception = False
    client.force_login(request.getfixturevalue(who))
    response = client.get(f"{path}?{name}={value}")
    assert response.status_code == 200, response.content[:300]
    if name in READS[path, who] and value != "%00":
        assert ticket_a1.reference not in response.content.decode()


def test_nul_in_search_is_dropped_not_sent_to_the_database(client, agent_a, ticket_a1):
    client.force_login(agent_a)
    response = client.get("/queue/", {"q": ticket_a1.reference + "\x00"})
    assert response.status_code == 200 and ticket_a1.reference in response.content.decode()


@pytest.mark.parametrize("junk", ["²", "1e20", HUGE, "\x00", "abc", ""])
def test_bulk_form_with_junk_rows_is_refused_clearly(client, agent_a, ticket_a1, junk):
    client.raise_request_exception = False
    client.force_login(agent_a)
    response = client.post(
        "/queue/", {"tickets": [junk], "action": "status", "status": "in_progress"}
    )
    assert response.status_code == 400
    assert "Tick at least one ticket" in response.content.decode()
    ticket_a1.refresh_from_db()
    assert ticket_a1.version == 1


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("12", 12),
        (" 7 ", 7),
        ("²", None),
        ("١٢", None),  # Arabic-Indic digits: int() accepts them, ids do not
        ("1e5", None),
        ("-1", None),
        ("0", None),
        (str(2**63 - 1), 2**63 - 1),
        (str(2**63), None),
        (HUGE, None),
        ("1\x00", None),
        (None, None),
        (True, None),
        (5, 5),
    ],
)
def test_parse_id(raw, expected):
    assert params.parse_id(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("3", 3),
        ("", 1),
        ("0", 1),
        ("²", 1),
        ("abc", 1),
        (str(params.MAX_PAGE), params.MAX_PAGE),
        (HUGE, params.MAX_PAGE + 1),
        (str(2**63 - 1), params.MAX_PAGE + 1),
    ],
)
def test_parse_page(raw, expected):
    assert params.parse_page(raw) == expected


def test_page_past_the_cap_is_empty_without_a_query(django_assert_num_queries, ticket_a1):
    from itsm.paging import page_of
    from tickets.models import Ticket

    with django_assert_num_queries(0):
        page = page_of(Ticket.objects.all(), str(2**63 - 1))
    assert list(page) == [] and not page.has_next and page.has_previous


def test_api_page_past_the_cap_has_no_next_link(api_for, agent_a, ticket_a1):
    body = api_for(agent_a).get("/api/v1/tickets/", {"page": HUGE}).json()
    assert body["results"] == [] and body["next"] is None and body["previous"]


def test_clean_text_drops_nul_and_bounds_length():
    assert params.clean_text(" a\x00b ") == "ab"
    assert len(params.clean_text("x" * 1000)) == params.MAX_TEXT
