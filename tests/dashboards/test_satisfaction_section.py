"""The satisfaction section read from the satisfaction app, against a hand-computed set.

October 2026 (conftest.october) plus:
T8 site 1 opened 1 Oct 04:00, resolved 1 Oct 05:00 Shanghai (30 Sep UTC; request 1) rated 1
   "坏 bad"; reopened and resolved 8 Oct (request 2) rated 5: only the latest rating counts.
Rating requests sent in October: T1, T2, T3, T5, T8#1, T8#2 = 6; answered: all but T3 = 5.
Counted ratings: T1 5, T2 2, T5 4, T8#2 5 -> average 16 / 4 = 4.0, distribution 0,1,0,1,2.
September: T7 (3).
T2's low score was followed up, done on 2 Nov 10:00 Shanghai with a staff note; T8#1's
follow-up is open but its rating no longer counts, so it is not listed.
Surveys (quarterly, a 1-5 question, a 0-10 question, a text question):
2026 Q3: 3 invited, 2 answered: 1-5 scores 4, 5 (4.5); 0-10 scores 10, 6 (NPS (1-1)/2 = 0)
2026 Q4: 2 invited, 1 answered: 3; 9 (NPS 100)
2027 Q1: after the period's end, not shown.
"""

from datetime import date

import pytest

from reports.dashboards.periods import Period
from reports.dashboards.rollups import rollups_rebuild
from reports.dashboards.sections import client_dashboard
from reports.dashboards.selectors import dashboard_data_for
from reports.satisfaction.models import FollowUp, Question, Questionnaire
from tickets.models import Rating

from .conftest import local, status_event, survey_round

pytestmark = pytest.mark.django_db

OCTOBER = Period("last_month", date(2026, 10, 1), date(2026, 10, 31))
OCT = "period=custom&from=2026-10-01&to=2026-10-31"
NOW = local(11, 5)


@pytest.fixture(autouse=True)
def server_in_utc(settings):
    """The server's own time zone differs from the client's: days must be the client's."""
    settings.TIME_ZONE = "UTC"


NOTE = "回电并更换了电脑 called back, replaced the laptop"


@pytest.fixture
def rated(october, user_a1, user_a2, manager_a, agent_a):
    w = october
    t8 = w.ticket("T8", site=w.sites[0], requester=user_a1, created=local(10, 1, 4))
    w.resolve(t8, local(10, 1, 5))
    first = w.rate(t8, 1, "坏 bad", at=local(10, 1, 6))
    status_event(t8, "resolved", "reopened", local(10, 7))
    w.resolve(t8, local(10, 8, 11), old="reopened", resolution=2)
    w.rate(t8, 5, "", resolution=2, at=local(10, 8, 12))
    FollowUp.objects.create(client=w.client, rating=first, ticket=t8)
    t2 = w.tickets["T2"]
    FollowUp.objects.create(
        client=w.client,
        rating=Rating.objects.get(ticket=t2),
        ticket=t2,
        status="done",
        note=NOTE,
        handled_by=agent_a,
        handled_at=local(11, 2),
    )
    quarterly = Questionnaire.objects.create(title="季度满意度 Quarterly", every_months=3)
    Question.objects.create(questionnaire=quarterly, position=1, text="Overall 1-5")
    Question.objects.create(
        questionnaire=quarterly, position=2, kind=Question.Kind.RECOMMEND, text="Recommend"
    )
    Question.objects.create(
        questionnaire=quarterly, position=3, kind=Question.Kind.TEXT, text="Anything else"
    )
    people = [user_a1, user_a2, manager_a]
    survey_round(w.client, quarterly, date(2026, 7, 1), [[4, 10, None], [5, 6, None]], people)
    survey_round(w.client, quarterly, date(2026, 10, 1), [[3, 9, None]], people[:2])
    survey_round(w.client, quarterly, date(2027, 1, 1), [[1, 0, None]], people[:1])
    rollups_rebuild(now=NOW)  # the figures are read from the roll-ups
    return w


def section(user, client):
    data = dashboard_data_for(user=user, client=client, period=OCTOBER, now=NOW)
    return client_dashboard(data)["sections"]["satisfaction"]


def test_csat_average_distribution_and_response_rate_from_requests(rated, manager_a):
    s = section(manager_a, rated.client)
    f = s["figures"]
    assert (f["sent"], f["answered"], f["response_rate"]) == (6, 5, 83.3)
    assert (f["rated"], f["csat"]) == (4, 4.0)  # T8's superseded 1 does not count
    assert [d["count"] for d in f["distribution"]] == [0, 1, 0, 1, 2]
    assert [d["share"] for d in f["distribution"]] == [0, 25.0, 0, 25.0, 50.0]
    assert s["previous"] == {"csat": 3.0, "response_rate": 100.0}  # T7 in September
    assert s["trends"]["csat"]["good"] is True


def test_series_by_local_day(rated, manager_a):
    points = {p["label"]: p for p in section(manager_a, rated.client)["series"]}
    # T2's request was sent at 23:30 on 31 October, Shanghai time: an October figure.
    assert points["2026-10-31"]["sent"] == 1 and points["2026-10-31"]["csat"] == 2.0
    # T8's first request at 05:00 on 1 October, Shanghai time (30 September in UTC).
    assert points["2026-10-01"]["sent"] == 1 and points["2026-10-01"]["rated"] == 0
    assert points["2026-10-08"]["csat"] == 5.0
    assert points["2026-10-13"]["response_rate"] == 0  # T3 never answered
    assert sum(p["sent"] for p in points.values()) == 6


def test_comments_and_low_scores_of_counted_ratings(rated, manager_a):
    s = section(manager_a, rated.client)
    assert [r["comment"] for r in s["latest_comments"]] == ["太慢 too slow", "很好 quick"]
    assert [(r["reference"], r["score"]) for r in s["low_scores"]] == [
        (rated.tickets["T2"].reference, 2)
    ]


def test_manager_sees_the_follow_up_date_never_the_staff_note(rated, manager_a, agent_a):
    low = section(manager_a, rated.client)["low_scores"][0]
    assert low["follow_up"] == {
        "status": "done",
        "status_label": "Done",
        "handled_on": "2026-11-02",
    }
    staff = section(agent_a, rated.client)["low_scores"][0]
    assert staff["follow_up"]["note"] == NOTE and staff["follow_up"]["handled_on"] == "2026-11-02"


def test_survey_results_over_time(rated, manager_a):
    surveys = section(manager_a, rated.client)["surveys"]
    assert [s["period_start"] for s in surveys] == ["2026-07-01", "2026-10-01"]
    q3, q4 = surveys
    assert (q3["invited"], q3["answered"], q3["response_rate"]) == (3, 2, 66.7)
    assert (q3["scale_average"], q3["nps"]) == (4.5, 0)
    assert (q4["invited"], q4["answered"], q4["scale_average"], q4["nps"]) == (2, 1, 3.0, 100)
    assert [q["question"] for q in q3["questions"]] == ["Overall 1-5", "Recommend"]
    assert q3["questions"][1]["answers"] == 2


def test_pages_and_api_keep_the_note_from_managers(client, api_for, rated, manager_a, agent_a):
    client.force_login(manager_a)
    body = client.get(f"/dashboards/?{OCT}").content.decode()
    assert "Followed up on 2026-11-02" in body and NOTE not in body
    assert "季度满意度 Quarterly" in body
    api = api_for(manager_a).get(f"/api/v1/dashboards/client/?{OCT}").json()
    assert api["sections"]["satisfaction"]["figures"]["csat"] == 4.0
    assert api["sections"]["satisfaction"]["surveys"][1]["nps"] == 100
    assert NOTE not in str(api)
    csv_body = client.get(f"/dashboards/csv/surveys/?{OCT}").content.decode()
    assert "2026 Q3" in csv_body and ",3,2,66.7,4.5,0" in csv_body
    client.force_login(agent_a)
    staff = client.get(f"/dashboards/?client={rated.client.pk}&{OCT}").content.decode()
    assert NOTE in staff


def test_client_b_manager_sees_none_of_it(client, rated, manager_b):
    client.force_login(manager_b)
    body = client.get(f"/dashboards/?{OCT}").content.decode()
    assert "季度满意度" not in body and "坏 bad" not in body
    assert client.get(f"/dashboards/csv/surveys/?client={rated.client.pk}&{OCT}").status_code == 404
