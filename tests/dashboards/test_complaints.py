"""The complaints section and the overview's complaints column against a hand-computed set.

Client A (Asia/Shanghai), dashboard of October 2026 seen on 5 November 10:00 local:
C1 direct      slow_response  logged 3 Oct 10:00, closed 4 Oct 10:00 (24 h)
C2 via client  attitude       logged 12 Oct, investigating, resolve due 19 Oct: overdue
C3 via client  slow_response  logged 31 Oct 23:30 Shanghai (15:30 UTC): October; open,
                              acknowledge due 1 Nov 23:30: overdue
C4 direct      other          logged 1 Nov 00:30 Shanghai (31 Oct UTC): November; open,
                              acknowledge due 2 Nov: overdue
C5 direct      attitude       logged 20 Sep, closed 10 Oct 10:00 (480 h)
C6 via client  other          logged 25 Sep, open, acknowledge due 1 Dec: not overdue
C7 direct      slow_response  logged 15 Oct, resolved 16 Oct (awaiting closing): open, and
                              past its resolve-by but resolved, so not overdue
C8 direct      other          logged 5 Sep, closed 6 Sep
C9 direct      other          logged 1 Oct 05:00 Shanghai (30 Sep UTC): October; closed 06:00
Client B: one complaint via the client on 10 Oct, with the subject "B 的秘密".
"""

from datetime import date

import pytest

from reports.complaints.models import ComplaintEvent
from reports.dashboards.overview import risk_score
from reports.dashboards.periods import Period
from reports.dashboards.sections import client_dashboard
from reports.dashboards.selectors import dashboard_data_for

from .conftest import complaint, local

pytestmark = pytest.mark.django_db

OCTOBER = Period("last_month", date(2026, 10, 1), date(2026, 10, 31))
OCT = "period=custom&from=2026-10-01&to=2026-10-31"
NOW = local(11, 5)


@pytest.fixture(autouse=True)
def server_in_utc(settings):
    """The server's own time zone differs from the client's: days must be the client's."""
    settings.TIME_ZONE = "UTC"


NOTE = "内部备注 internal only"


@pytest.fixture
def complaints(client_a, client_b, user_a1, user_b1, agent_a):
    a = {
        "C1": complaint(
            client_a,
            user_a1,
            created=local(10, 3),
            category="slow_response",
            status="closed",
            closed_at=local(10, 4),
        ),
        "C2": complaint(
            client_a,
            user_a1,
            created=local(10, 12),
            source="via_client",
            category="attitude",
            status="investigating",
            resolve_due_at=local(10, 19),
        ),
        "C3": complaint(
            client_a,
            user_a1,
            created=local(10, 31, 23, 30),
            source="via_client",
            category="slow_response",
            ack_due_at=local(11, 1, 23, 30),
        ),
        "C4": complaint(client_a, user_a1, created=local(11, 1, 0, 30), category="other"),
        "C5": complaint(
            client_a,
            user_a1,
            created=local(9, 20),
            category="attitude",
            status="closed",
            closed_at=local(10, 10),
        ),
        "C6": complaint(
            client_a,
            user_a1,
            created=local(9, 25),
            source="via_client",
            category="other",
            ack_due_at=local(12, 1),
        ),
        "C7": complaint(
            client_a,
            user_a1,
            created=local(10, 15),
            category="slow_response",
            status="resolved",
            resolved_at=local(10, 16),
        ),
        "C8": complaint(
            client_a,
            user_a1,
            created=local(9, 5),
            category="other",
            status="closed",
            closed_at=local(9, 6),
        ),
        "C9": complaint(
            client_a,
            user_a1,
            created=local(10, 1, 5),
            category="other",
            status="closed",
            closed_at=local(10, 1, 6),
        ),
    }
    ComplaintEvent.objects.create(
        complaint=a["C2"],
        client=client_a,
        actor=agent_a,
        kind="note",
        is_internal=True,
        body=NOTE,
        created_at=local(10, 13),
    )
    complaint(
        client_b,
        user_b1,
        created=local(10, 10),
        source="via_client",
        subject="B 的秘密",
        ack_due_at=local(10, 11),
    )
    return a


def section(user, client):
    data = dashboard_data_for(user=user, client=client, period=OCTOBER, now=NOW)
    return client_dashboard(data)["sections"]["complaints"]


def test_by_source_direct_vs_via_client_and_previous_period(complaints, manager_a, client_a):
    s = section(manager_a, client_a)
    f = s["figures"]
    assert (f["total"], f["direct"], f["via_client"]) == (5, 3, 2)  # C1, C7, C9 | C2, C3
    assert f["via_client_share"] == 40.0
    assert s["previous"] == {"total": 3, "direct": 2, "via_client": 1, "via_client_share": 33.3}
    assert s["trends"]["via_client_share"]["arrow"] == "↑"
    assert s["trends"]["via_client_share"]["good"] is False


def test_share_via_client_over_time_in_local_days(complaints, manager_a, client_a):
    points = {p["label"]: p for p in section(manager_a, client_a)["series"]}
    assert len(points) == 31
    assert points["2026-10-03"]["direct"] == 1 and points["2026-10-03"]["via_client_share"] == 0
    assert points["2026-10-12"]["via_client"] == 1
    # 23:30 on 31 October in Shanghai is an October complaint; 00:30 on 1 November is not.
    assert points["2026-10-31"]["via_client"] == 1
    assert points["2026-10-31"]["via_client_share"] == 100.0
    # 05:00 on 1 October in Shanghai is still 30 September in UTC: an October complaint.
    assert points["2026-10-01"]["direct"] == 1
    assert points["2026-10-02"]["total"] == 0 and points["2026-10-02"]["via_client_share"] is None
    assert sum(p["total"] for p in points.values()) == 5


def test_open_overdue_and_time_to_close(complaints, manager_a, client_a):
    f = section(manager_a, client_a)["figures"]
    assert f["open"] == 5  # C2, C3, C4, C6, C7 now, whatever the period
    assert f["open_via_client"] == 3  # C2, C3, C6
    assert f["overdue"] == 3  # C2 (resolution), C3 and C4 (acknowledgement)
    assert f["closed"] == 3  # C1, C5 and C9 closed in October; C8 in September
    assert f["close_mean_hours"] == 168.3  # (24 + 480 + 1) / 3


def test_by_category(complaints, manager_a, client_a):
    rows = {r["key"]: r for r in section(manager_a, client_a)["by_category"]}
    assert set(rows) == {"slow_response", "attitude", "other"}
    slow = rows["slow_response"]
    assert (slow["logged"], slow["via_client"], slow["open"], slow["overdue"]) == (3, 1, 2, 1)
    assert (slow["closed"], slow["close_mean_hours"]) == (1, 24.0)
    attitude = rows["attitude"]
    assert (attitude["logged"], attitude["open"], attitude["overdue"]) == (1, 1, 1)
    assert attitude["close_mean_hours"] == 480.0
    other = rows["other"]
    assert (other["logged"], other["open"], other["overdue"], other["closed"]) == (1, 2, 1, 1)
    assert other["close_mean_hours"] == 1.0


def test_overdue_list_oldest_first_with_links(complaints, manager_a, client_a):
    listed = section(manager_a, client_a)["overdue"]
    assert [r["complaint_id"] for r in listed] == [
        complaints["C2"].pk,
        complaints["C3"].pk,
        complaints["C4"].pk,
    ]
    assert listed[1]["due_local"] == "2026-11-01 23:30"
    assert listed[0]["url"] == f"/complaints/{complaints['C2'].pk}/"


def test_client_b_sees_only_its_own(complaints, manager_b, client_b):
    f = section(manager_b, client_b)["figures"]
    assert (f["total"], f["via_client"], f["open"], f["overdue"]) == (1, 1, 1, 1)


def test_page_csv_and_api_never_show_internal_notes_nor_other_clients(
    client, api_for, complaints, manager_a, manager_b, client_a
):
    client.force_login(manager_a)
    body = client.get(f"/dashboards/?{OCT}").content.decode()
    assert 'id="section-complaints"' in body and "complaints-share" in body
    assert complaints["C2"].subject in body and NOTE not in body and "B 的秘密" not in body
    csv_body = client.get(f"/dashboards/csv/complaints-sources/?{OCT}").content.decode()
    assert "2026-10-31,0,1,100.0" in csv_body
    api = api_for(manager_a).get(f"/api/v1/dashboards/client/?{OCT}").json()
    assert api["sections"]["complaints"]["figures"]["via_client"] == 2
    assert api["sections"]["complaints"]["figures"]["total"] == 5
    assert NOTE not in str(api)
    # Client B's manager naming client A: the same 404 as any foreign id, no figure leaks.
    client.force_login(manager_b)
    for url in (
        f"/dashboards/?client={client_a.pk}&{OCT}",
        f"/dashboards/csv/complaints-category/?client={client_a.pk}&{OCT}",
        f"/api/v1/dashboards/client/?client={client_a.pk}&{OCT}",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert complaints["C2"].subject not in response.content.decode()


def test_overview_complaints_column_and_risk(client, api_for, complaints, admin_user, client_a):
    rows = {
        r["code"]: r
        for r in api_for(admin_user).get(f"/api/v1/dashboards/overview/?{OCT}").json()["clients"]
    }
    assert (rows["HX"]["complaints"], rows["HX"]["complaints_via_client"]) == (5, 2)
    # No tickets: only the complaints via the client count, 5 each.
    assert rows["HX"]["risk"] == 10.0
    client.force_login(admin_user)
    body = client.get(f"/dashboards/overview/?{OCT}").content.decode()
    assert "Complaints (via the client)" in body and "complaints received via the client" in body


def test_risk_counts_complaints_via_client_up_to_a_cap():
    base = {"compliance": None, "csat": None, "open_overdue": 0, "previous_compliance": None}
    assert risk_score(**base) == 0
    assert risk_score(**base, via_client=3) == 15
    assert risk_score(**base, via_client=50) == 30
