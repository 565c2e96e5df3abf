"""Every dashboard figure against the hand-computed October 2026 data set (conftest.october).

T1 site 1 Gold P2 desktop: opened 5 Oct, response met 30 min, resolved 5 Oct in 240 min, rated 5
T2 site 1 Gold P3 desktop: opened 10 Oct (user_a1 again within 7 days: repeat contact),
   response met 10 min, resolution breached 20 Oct, resolved 31 Oct 23:30 Shanghai in 3000 min,
   rated 2
T3 site 2 Standard P3 network: opened 12 Oct, response breached 12 Oct (200 min), resolved
   13 Oct in 500 min (met), not rated
T4 site 2 Standard P4 network: opened 15 Oct by T3's requester (repeat contact), response met
   20 min, still open
T5 site 2 Standard P3 desktop: opened 28 Sep, resolved 2 Oct, reopened 3 Oct, resolved 4 Oct
   (met, 900 min), rated 4
T6 site 1: opened 1 Nov 00:30 Shanghai (31 Oct UTC): November
T7 site 1 Gold P2 desktop: September, response met 60, resolved met 300, rated 3
"""

from datetime import date

import pytest

from reports.dashboards.periods import Period
from reports.dashboards.rollups import rollups_rebuild
from reports.dashboards.sections import client_dashboard
from reports.dashboards.selectors import dashboard_data_for

from .conftest import local

pytestmark = pytest.mark.django_db

OCTOBER = Period("last_month", date(2026, 10, 1), date(2026, 10, 31))
NOW = local(11, 5)


@pytest.fixture
def dashboard(october, manager_a):
    rollups_rebuild(now=NOW)
    data = dashboard_data_for(user=manager_a, client=october.client, period=OCTOBER, now=NOW)
    return client_dashboard(data)


def by_label(rows):
    return {row["label"]: row for row in rows}


def test_sla_compliance_counts_each_clock_once_on_its_outcome_day(dashboard):
    f = dashboard["sections"]["sla"]["figures"]
    assert f["response_compliance"] == 75.0  # T1, T2, T4 met; T3 breached
    assert f["resolution_compliance"] == 75.0  # T1, T3, T5 met; T2 breached
    assert f["compliance"] == 75.0
    assert f["decided"] == 8
    assert f["breaches"] == 2


def test_times_in_business_hours_mean_and_90th_percentile(dashboard):
    f = dashboard["sections"]["sla"]["figures"]
    assert f["respond_mean_hours"] == 1.1  # (30 + 10 + 200 + 20) / 4 = 65 min
    assert f["respond_p90_hours"] == 3.3  # 4th of 4 = 200 min
    assert f["resolve_mean_hours"] == 19.3  # (240 + 3000 + 500 + 900) / 4 = 1160 min
    assert f["resolve_p90_hours"] == 50.0  # 3000 min


def test_previous_period_and_trend(dashboard):
    sla = dashboard["sections"]["sla"]
    assert sla["previous"]["compliance"] == 100.0  # September: T7 both, T5 response
    assert sla["trends"]["compliance"]["arrow"] == "↓"
    assert sla["trends"]["compliance"]["good"] is False
    assert dashboard["previous_period"] == {
        "key": "last_month",
        "start": "2026-09-01",
        "end": "2026-09-30",
    }


def test_breakdowns_by_tier_site_priority_category(dashboard):
    by = dashboard["sections"]["sla"]["by"]
    tiers = by_label(by["tier"])
    assert tiers["Gold"]["opened"] == 2 and tiers["Gold"]["resolved"] == 2
    assert tiers["Gold"]["response_compliance"] == 100.0
    assert tiers["Gold"]["resolution_compliance"] == 50.0
    assert tiers["Standard"]["response_compliance"] == 50.0
    assert tiers["Standard"]["resolution_compliance"] == 100.0
    sites = by_label(by["site"])
    assert sites["上海分行"]["opened"] == 2 and sites["北京分行"]["resolved"] == 2
    priorities = by_label(by["priority"])
    assert [row["label"] for row in by["priority"]] == ["P2", "P3", "P4"]
    assert priorities["P3"]["opened"] == 2  # T2, T3 (T5 was opened in September)
    assert priorities["P3"]["resolved"] == 3  # T2, T3, T5
    categories = by_label(by["category"])
    assert categories["Category desktop"]["opened"] == 2
    assert categories["Category network"]["response_compliance"] == 50.0


def test_breaches_listed_with_links_to_client_ticket_detail(dashboard, october):
    breaches = dashboard["sections"]["sla"]["breaches"]
    assert [(b["reference"], b["kind"]) for b in breaches] == [
        (october.tickets["T2"].reference, "resolution"),
        (october.tickets["T3"].reference, "response"),
    ]
    assert breaches[0]["url"] == f"/client/tickets/{october.tickets['T2'].pk}/"


def test_volume_opened_resolved_backlog_reopen_and_repeat(dashboard):
    volume = dashboard["sections"]["volume"]
    f = volume["figures"]
    assert f["opened"] == 4  # T1-T4; T5 in September, T6 in November
    assert f["resolved"] == 4  # T1, T2 (23:30 local on the 31st), T3, T5
    assert f["reopened"] == 1 and f["reopen_rate"] == 25.0
    assert f["repeat_contacts"] == 2 and f["repeat_rate"] == 50.0
    assert f["backlog"] == 1  # only T4 is open at the end of October
    points = {p["label"]: p for p in volume["series"]}
    assert len(points) == 31
    assert points["2026-10-01"]["backlog"] == 1  # T5, opened in September
    assert points["2026-10-02"]["backlog"] == 0
    assert points["2026-10-03"]["backlog"] == 1
    assert points["2026-10-31"]["resolved"] == 1
    assert [c["label"] for c in volume["top_categories"]] == [
        "Category desktop",
        "Category network",
    ]


def test_satisfaction_average_distribution_and_response_rate_together(dashboard):
    sat = dashboard["sections"]["satisfaction"]
    f = sat["figures"]
    assert f["csat"] == 3.67  # (5 + 2 + 4) / 3
    assert f["rated"] == 3 and f["answered"] == 3 and f["sent"] == 4  # T3 never answered
    assert f["response_rate"] == 75.0
    assert [d["count"] for d in f["distribution"]] == [0, 1, 0, 1, 1]
    assert sat["previous"]["csat"] == 3.0


def test_one_response_rate_for_the_section_the_roll_ups_and_the_overview(
    october, manager_a, admin_user
):
    """Answered / sent rating requests wherever the figure appears, not rated / resolved: T4
    was resolved on 16 October, asked for a rating, then reopened (still open, never rated)."""
    from reports.dashboards.overview import provider_overview_for
    from reports.satisfaction.models import CsatRequest

    t4 = october.tickets["T4"]
    CsatRequest.objects.create(
        client_id=t4.client_id,
        ticket=t4,
        resolution=1,
        requester=t4.requester,
        nonce="t4-reopened",
        sent_at=local(10, 16),
    )
    rollups_rebuild(now=NOW)
    data = dashboard_data_for(user=manager_a, client=october.client, period=OCTOBER, now=NOW)
    section = client_dashboard(data)["sections"]["satisfaction"]["figures"]
    assert (section["sent"], section["answered"], section["response_rate"]) == (5, 3, 60.0)
    overview = provider_overview_for(user=admin_user, period=OCTOBER, now=NOW)
    row = next(r for r in overview if r["code"] == october.client.code)
    assert row["response_rate"] == 60.0  # rated / resolved would say 75.0


def test_fairness_lists_tiers_and_sites_beside_the_client(dashboard):
    fair = dashboard["sections"]["fairness"]
    assert fair["overall"]["compliance"] == 75.0
    tiers = by_label(fair["tiers"])
    assert tiers["Gold"]["compliance"] == 75.0  # 3 of 4 clocks
    assert tiers["Gold"]["marks"] == []  # fewer than 5 cases: never marked


def test_time_zone_boundary_november(october, manager_a):
    rollups_rebuild(now=NOW)
    november = Period("this_month", date(2026, 11, 1), date(2026, 11, 30))
    data = dashboard_data_for(user=manager_a, client=october.client, period=november, now=NOW)
    f = client_dashboard(data)["sections"]["volume"]["figures"]
    assert f["opened"] == 1  # T6 at 00:30 on 1 November, Shanghai time
    assert f["resolved"] == 0


@pytest.mark.parametrize(
    "start, end, opened, resolved, compliance, response_rate",
    [
        # Half of September from the daily rows + October from the monthly rows.
        (date(2026, 9, 15), date(2026, 10, 31), 5, 4, 77.8, 75.0),
        # 9 met of 11; ratings of T7, T1, T2, T5 for 5 resolutions.
        (date(2026, 9, 1), date(2026, 10, 31), 6, 5, 81.8, 80.0),
        # October from the monthly rows + its next day (T6) from the daily rows.
        (date(2026, 10, 1), date(2026, 11, 1), 5, 4, 75.0, 75.0),
        # No whole month: daily rows only, across the month boundary.
        (date(2026, 10, 2), date(2026, 11, 1), 5, 4, 75.0, 75.0),
    ],
)
def test_periods_mixing_monthly_and_daily_rows(
    october, manager_a, start, end, opened, resolved, compliance, response_rate
):
    rollups_rebuild(now=NOW)
    period = Period("custom", start, end)
    data = dashboard_data_for(user=manager_a, client=october.client, period=period, now=NOW)
    dashboard = client_dashboard(data)
    f = dashboard["sections"]["volume"]["figures"]
    assert (f["opened"], f["resolved"]) == (opened, resolved)
    assert dashboard["sections"]["sla"]["figures"]["compliance"] == compliance
    assert dashboard["sections"]["satisfaction"]["figures"]["response_rate"] == response_rate
    series = dashboard["sections"]["volume"]["series"]
    assert sum(p["opened"] for p in series) == opened
