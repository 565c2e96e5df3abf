"""The dashboard pages, CSV downloads and API: who may see which client, periods, errors."""

import csv
import io

import pytest
from django.urls import reverse

from reports.dashboards.rollups import rollups_rebuild
from tests import factories as f

from .conftest import local

pytestmark = pytest.mark.django_db

OCT = "period=custom&from=2026-10-01&to=2026-10-31"


@pytest.fixture
def rolled(october):
    rollups_rebuild(now=local(11, 5))
    return october


def page(client, user, query=""):
    client.force_login(user)
    return client.get(reverse("dashboards:client-dashboard") + (f"?{query}" if query else ""))


def test_manager_sees_own_dashboard_with_charts_tables_and_csv_links(client, rolled, manager_a):
    response = page(client, manager_a, OCT)
    assert response.status_code == 200
    body = response.content.decode()
    assert "华信银行" in body
    assert "<svg" in body and "Show the numbers" in body
    assert reverse("dashboards:client-dashboard-csv", args=["volume"]) in body
    assert rolled.tickets["T2"].reference in body  # breach list
    assert "75.0%" in body


def test_manager_cannot_name_another_client(client, rolled, manager_b, client_a):
    response = page(client, manager_b, f"client={client_a.pk}&{OCT}")
    assert response.status_code == 404
    assert "华信银行" not in response.content.decode()


def test_end_user_is_refused(client, rolled, user_a1):
    assert page(client, user_a1).status_code == 403


@pytest.mark.parametrize(
    "query, message",
    [
        ("period=custom&from=2026-13-01&to=2026-10-31", "is not a date"),
        ("period=custom&from=2026-10-31&to=2026-10-01", "before the start"),
        ("period=custom&from=2026-10-01", "needs both"),
        ("period=fortnight", "Unknown period"),
        ("period=custom&from=0001-01-01&to=2026-10-01", "between 2000 and 2100"),
        ("period=custom&from=2000-01-01&to=2099-12-31", "at most"),
    ],
)
def test_bad_period_is_a_clear_400_never_a_500(client, rolled, manager_a, query, message):
    response = page(client, manager_a, query)
    assert response.status_code == 400
    assert message in response.content.decode()


@pytest.mark.parametrize("period", ["this_month", "last_month", "quarter", "12m"])
def test_every_named_period_renders(client, rolled, manager_a, period):
    assert page(client, manager_a, f"period={period}").status_code == 200


def test_csv_download_matches_the_table(client, rolled, manager_a):
    client.force_login(manager_a)
    url = reverse("dashboards:client-dashboard-csv", args=["sla-tier"]) + f"?{OCT}"
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Tier", "Opened", "Resolved"]
    gold = next(row for row in rows if row[0] == "Gold")
    assert gold[1:5] == ["2", "2", "100.0", "50.0"]
    missing = reverse("dashboards:client-dashboard-csv", args=["nope"]) + f"?{OCT}"
    assert client.get(missing).status_code == 404


def test_staff_switch_between_served_clients_only(client, rolled, agent_a, client_a, client_b):
    other = f.make_client(code="QT", name="其他客户")
    assert page(client, agent_a, f"client={client_a.pk}").status_code == 200
    assert page(client, agent_a, f"client={client_b.pk}").status_code == 404
    assert page(client, agent_a, f"client={other.pk}").status_code == 404
    assert page(client, agent_a, "client=abc").status_code == 404
    assert page(client, agent_a, "client=" + "9" * 30).status_code == 404
    assert page(client, agent_a, "client=-1").status_code == 404
    body = page(client, agent_a, f"client={client_a.pk}&{OCT}").content.decode()
    assert f"/queue/tickets/{rolled.tickets['T2'].pk}/" in body  # staff link to the workspace


def test_overview_lists_served_clients_sorted_by_risk(client, rolled, admin_user, client_b):
    client.force_login(admin_user)
    response = client.get(reverse("dashboards:provider-overview") + f"?{OCT}")
    assert response.status_code == 200
    body = response.content.decode()
    assert body.index("华信银行") < body.index("东方物流")  # 25 points of missed SLA first
    assert "How the risk score is computed" in body


def test_overview_is_for_staff(client, manager_a):
    client.force_login(manager_a)
    assert client.get(reverse("dashboards:provider-overview")).status_code == 403


def test_api_dashboard_figures_and_json_errors(api_for, rolled, manager_a, manager_b, client_a):
    api = api_for(manager_a)
    response = api.get(f"/api/v1/dashboards/client/?{OCT}")
    assert response.status_code == 200
    sla = response.json()["sections"]["sla"]
    assert sla["figures"]["compliance"] == 75.0
    assert {row["label"] for row in sla["by"]["tier"]} == {"Gold", "Standard"}
    bad = api.get("/api/v1/dashboards/client/?period=custom&from=x&to=2026-10-01")
    assert bad.status_code == 400 and "is not a date" in bad.json()["detail"]
    other = api_for(manager_b).get(f"/api/v1/dashboards/client/?client={client_a.pk}&{OCT}")
    assert other.status_code == 404 and "华信银行" not in other.content.decode()
    assert api.get("/api/v1/dashboards/overview/").status_code == 403


def test_api_overview_for_staff(api_for, rolled, agent_a, client_b):
    response = api_for(agent_a).get(f"/api/v1/dashboards/overview/?{OCT}")
    assert response.status_code == 200
    rows = response.json()["clients"]
    assert [row["code"] for row in rows] == ["HX"]  # agent_a serves only client A
    assert rows[0]["compliance"] == 75.0
    # The rating requests of October: 3 of 4 answered, as the client's dashboard says.
    assert rows[0]["response_rate"] == 75.0
    # (100 - 75) + 10 x (5 - 3.67) + 0 open past due + 10 (fell from 100 to 75)
    assert rows[0]["risk"] == 48.3


def test_api_schema_documents_dashboards(client, admin_user):
    client.force_login(admin_user)
    schema = client.get(reverse("schema")).content.decode()
    assert "/api/v1/dashboards/client/" in schema and "ProviderOverview" in schema


@pytest.mark.parametrize("who", ["manager_b", "agent_b"])
@pytest.mark.parametrize(
    "url",
    [
        "/dashboards/?client={a}&" + OCT,
        "/dashboards/csv/breaches/?client={a}&" + OCT,
        "/dashboards/csv/sla-site/?client={a}&" + OCT,
        "/dashboards/csv/complaints-overdue/?client={a}&" + OCT,
        "/dashboards/csv/surveys/?client={a}&" + OCT,
        "/api/v1/dashboards/client/?client={a}&" + OCT,
        "/dashboards/overview/?" + OCT,
        "/api/v1/dashboards/overview/?" + OCT,
    ],
)
def test_client_b_people_never_see_client_a_figures(request, client, rolled, who, url):
    client.force_login(request.getfixturevalue(who))
    response = client.get(url.format(a=rolled.client.pk))
    assert response.status_code in (200, 403, 404)
    body = response.content.decode()
    for secret in ("华信银行", "上海分行", rolled.tickets["T2"].reference, "很好 quick"):
        assert secret not in body
