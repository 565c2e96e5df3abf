"""The notice API: list/detail for the viewer, create and withdraw for staff, seen and
acknowledge for readers, receipts for staff and managers; JSON errors, pages without counts."""

import pytest

from reports.models import Notice, NoticeReceipt

from .conftest import publish

pytestmark = pytest.mark.django_db

URL = "/api/v1/notices/"


def payload(**fields):
    data = {
        "title": "邮件系统升级 / Mail upgrade",
        "body": "Sunday 02:00.",
        "severity": "maintenance",
        "expires_at": "2030-01-01T00:00:00+08:00",
        "targets": [],
    }
    data.update(fields)
    return data


def test_agent_creates_a_notice_for_a_served_client(api_for, agent_a, client_a, site_a, user_a1):
    response = api_for(agent_a).post(
        URL, payload(targets=[{"client": client_a.pk, "sites": [site_a.pk]}]), format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["targets"][0]["client"] == client_a.pk
    assert body["targets"][0]["sites"] == [{"id": site_a.pk, "name": site_a.name}]
    assert body["read_rates"] == [
        {
            "client": client_a.pk,
            "client_name": client_a.name,
            "targeted": 1,
            "seen": 0,
            "acknowledged": 0,
        }
    ]
    assert NoticeReceipt.objects.get().user == user_a1


def test_agent_cannot_create_for_an_unserved_client(api_for, agent_a, client_a, client_b):
    response = api_for(agent_a).post(
        URL, payload(targets=[{"client": client_a.pk}, {"client": client_b.pk}]), format="json"
    )
    assert response.status_code == 400
    assert "targets" in response.json()
    assert not Notice.objects.exists()


@pytest.mark.parametrize("who", ["manager_a", "user_a1"])
def test_client_side_people_cannot_create(request, api_for, who, client_a):
    response = api_for(request.getfixturevalue(who)).post(
        URL, payload(targets=[{"client": client_a.pk}]), format="json"
    )
    assert response.status_code == 403 and "detail" in response.json()
    assert not Notice.objects.exists()


def test_bad_input_is_a_json_400(api_for, admin_user, client_a):
    response = api_for(admin_user).post(
        URL,
        payload(targets=[{"client": client_a.pk}], published_at="2031-01-01T00:00:00Z"),
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "A notice must end after it starts."
    assert api_for(admin_user).post(URL, payload(), format="json").status_code == 400


def test_end_user_lists_their_notices_marks_seen_and_acknowledges(
    api_for, admin_user, client_a, client_b, user_a1
):
    mine = publish(admin_user, [client_a], severity="outage", title="Mine")
    publish(admin_user, [client_b], title="Not mine")
    api = api_for(user_a1)
    body = api.get(URL).json()
    assert set(body) == {"next", "previous", "results"}
    assert [n["title"] for n in body["results"]] == ["Mine"]
    assert body["results"][0]["targets"] == [] and body["results"][0]["read_rates"] == []
    assert body["results"][0]["my_receipt"] == {"seen_at": None, "acknowledged_at": None}
    seen = api.post(f"{URL}{mine.pk}/seen/").json()
    assert seen["seen_at"] is not None and seen["acknowledged_at"] is None
    acked = api.post(f"{URL}{mine.pk}/acknowledge/").json()
    assert acked["acknowledged_at"] is not None
    assert api.get(f"{URL}{mine.pk}/").json()["my_receipt"]["acknowledged_at"] is not None


def test_end_user_cannot_read_receipts_or_withdraw(api_for, admin_user, client_a, user_a1):
    notice = publish(admin_user, [client_a])
    api = api_for(user_a1)
    assert api.get(f"{URL}{notice.pk}/receipts/").status_code == 403
    assert api.post(f"{URL}{notice.pk}/withdraw/").status_code == 403


def test_acknowledging_a_plain_notice_is_a_json_400(api_for, admin_user, client_a, user_a1):
    notice = publish(admin_user, [client_a], severity="info")
    response = api_for(user_a1).post(f"{URL}{notice.pk}/acknowledge/")
    assert response.status_code == 400
    assert response.json() == {"detail": "This notice does not ask for acknowledgement."}


def test_manager_sees_receipts_of_their_client_only(
    api_for, admin_user, client_a, client_b, user_a1, user_b1, manager_a
):
    notice = publish(admin_user, [client_a, client_b])
    api = api_for(manager_a)
    detail = api.get(f"{URL}{notice.pk}/").json()
    assert [t["client"] for t in detail["targets"]] == [client_a.pk]
    assert [r["client"] for r in detail["read_rates"]] == [client_a.pk]
    receipts = api.get(f"{URL}{notice.pk}/receipts/").json()["results"]
    assert [r["user"] for r in receipts] == [user_a1.username]
    assert api.post(f"{URL}{notice.pk}/seen/").status_code == 403


def test_staff_withdraw(api_for, admin_user, client_a, user_a1):
    notice = publish(admin_user, [client_a])
    body = api_for(admin_user).post(f"{URL}{notice.pk}/withdraw/").json()
    assert body["withdrawn_at"] is not None
    assert api_for(user_a1).get(f"{URL}{notice.pk}/").status_code == 404


def test_guessed_id_of_another_clients_notice_is_404(
    api_for, admin_user, client_a, client_b, user_b1, agent_b
):
    notice = publish(admin_user, [client_a])
    api = api_for(user_b1)
    assert api.get(f"{URL}{notice.pk}/").status_code == 404
    assert api.post(f"{URL}{notice.pk}/acknowledge/").status_code == 404
    replace = payload(title="Hijacked", targets=[{"client": client_b.pk}])
    assert api_for(agent_b).put(f"{URL}{notice.pk}/", replace, format="json").status_code == 404
    notice.refresh_from_db()
    assert notice.title != "Hijacked"


def test_schema_documents_the_notice_endpoints_with_summaries(client):
    schema = client.get("/api/schema/?format=json").json()
    paths = schema["paths"]
    for path, method in [
        ("/api/v1/notices/", "get"),
        ("/api/v1/notices/", "post"),
        ("/api/v1/notices/{id}/", "get"),
        ("/api/v1/notices/{id}/", "put"),
        ("/api/v1/notices/{id}/seen/", "post"),
        ("/api/v1/notices/{id}/acknowledge/", "post"),
        ("/api/v1/notices/{id}/receipts/", "get"),
        ("/api/v1/notices/{id}/withdraw/", "post"),
    ]:
        assert paths[path][method]["summary"], (path, method)


def test_staff_replace_targets_and_agents_cannot_touch_unserved_clients(
    api_for, admin_user, agent_a, client_a, client_b, user_a1, user_b1
):
    notice = publish(admin_user, [client_a, client_b])
    body = payload(title="Moved", targets=[{"client": client_b.pk}])
    response = api_for(agent_a).put(f"{URL}{notice.pk}/", body, format="json")
    assert response.status_code == 400  # client B is not even a valid choice for agent A
    response = api_for(agent_a).put(
        f"{URL}{notice.pk}/", payload(targets=[{"client": client_a.pk}]), format="json"
    )
    assert response.status_code == 403 and "detail" in response.json()
    response = api_for(admin_user).put(f"{URL}{notice.pk}/", body, format="json")
    assert response.status_code == 200 and response.json()["title"] == "Moved"
    assert list(notice.receipts.values_list("user_id", flat=True)) == [user_b1.pk]


def test_client_side_people_cannot_replace(api_for, admin_user, client_a, manager_a):
    notice = publish(admin_user, [client_a])
    response = api_for(manager_a).put(
        f"{URL}{notice.pk}/", payload(targets=[{"client": client_a.pk}]), format="json"
    )
    assert response.status_code == 403
    notice.refresh_from_db()
    assert notice.title != payload()["title"]
