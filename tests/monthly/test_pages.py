"""Report pages and API: who sees what, downloads only through the checked views, JSON errors."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports.monthly.models import MonthlyReport
from tests.monthly.helpers import make_ready_report

from .conftest import NOW

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(client_a):
    return make_ready_report(client_a, now=NOW)


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize("who", ["manager_a", "agent_a", "admin_user"])
def test_managers_and_serving_staff_download_both_files(request, client, report, who):
    client.force_login(request.getfixturevalue(who))
    pdf = client.get(f"/reports/monthly/{report.pk}/file/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert body(pdf).startswith(b"%PDF")
    assert "HX-report-20261001-20261031-v1.pdf" in pdf["Content-Disposition"]
    xlsx = client.get(f"/reports/monthly/{report.pk}/file/xlsx/")
    assert xlsx.status_code == 200 and body(xlsx)[:2] == b"PK"


@pytest.mark.parametrize("who", ["manager_b", "agent_b", "user_a1"])
def test_others_get_404_or_403_for_files_page_and_api(request, client, report, who):
    client.force_login(request.getfixturevalue(who))
    for url in (
        f"/reports/monthly/{report.pk}/",
        f"/reports/monthly/{report.pk}/file/pdf/",
        f"/reports/monthly/{report.pk}/file/xlsx/",
        f"/api/v1/reports/{report.pk}/",
        f"/api/v1/reports/{report.pk}/file/pdf/",
    ):
        assert client.get(url).status_code in (403, 404), url
    listed = client.get("/api/v1/reports/").json()["results"]
    assert listed == []


def test_files_are_not_reachable_under_a_media_url(client, report, manager_a):
    client.force_login(manager_a)
    assert report.pdf.name.startswith(f"monthly-reports/{report.client_id}/")
    for prefix in ("/", "/media/"):
        assert client.get(prefix + report.pdf.name).status_code == 404


def test_unknown_file_kind_and_malformed_ids_are_404(client, report, manager_a):
    client.force_login(manager_a)
    assert client.get(f"/reports/monthly/{report.pk}/file/docx/").status_code == 404
    assert client.get(f"/reports/monthly/{report.pk + 999}/").status_code == 404
    api = client.get(f"/api/v1/reports/{report.pk}/file/exe/")
    assert api.status_code == 404 and api.json()["detail"]


def test_manager_lists_requests_and_sees_the_progress_page(
    client, client_a, manager_a, django_capture_on_commit_callbacks
):
    client.force_login(manager_a)
    page = client.get("/reports/monthly/")
    assert page.status_code == 200 and "华信银行" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post("/reports/monthly/", {"client": client_a.pk, "month": "2026-10"})
    report = MonthlyReport.objects.get()
    assert response.status_code == 302 and response.url == f"/reports/monthly/{report.pk}/"
    waiting = client.get(response.url).content.decode()
    assert '<meta http-equiv="refresh"' in waiting and "<progress" in waiting
    assert 'id="download-pdf"' not in waiting
    assert client.get(f"/reports/monthly/{report.pk}/file/pdf/").status_code == 404


def test_bad_month_is_a_400_with_the_text_kept(client, client_a, manager_a):
    client.force_login(manager_a)
    response = client.post("/reports/monthly/", {"client": client_a.pk, "month": "2026-13"})
    assert response.status_code == 400
    assert "is not a month" in response.content.decode()
    assert 'value="2026-13"' in response.content.decode()


def test_sign_off_and_dispute_through_the_page(client, report, manager_a):
    client.force_login(manager_a)
    page = client.get(f"/reports/monthly/{report.pk}/").content.decode()
    assert 'id="sign-off-form"' in page and 'id="answer-form"' not in page
    empty = client.post(f"/reports/monthly/{report.pk}/dispute/", {"comment": ""})
    assert empty.status_code == 400
    done = client.post(f"/reports/monthly/{report.pk}/sign-off/", {"comment": "Agreed"})
    assert done.status_code == 302
    report.refresh_from_db()
    assert report.sign_off == "signed"
    again = client.post(f"/reports/monthly/{report.pk}/dispute/", {"comment": "late"})
    assert again.status_code == 400 and "already signed" in again.content.decode()


def test_staff_correct_through_the_page_and_see_the_board(
    client, report, manager_a, agent_a, django_capture_on_commit_callbacks
):
    client.force_login(manager_a)
    client.post(f"/reports/monthly/{report.pk}/dispute/", {"comment": "wrong P3"})
    assert (
        client.post(f"/reports/monthly/{report.pk}/correct/", {"correction_note": "x"}).status_code
        == 403
    )
    client.force_login(agent_a)
    board = client.get("/reports/monthly/board/").content.decode()
    assert "华信银行" in board and 'class="badge disputed">1<' in board
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/reports/monthly/{report.pk}/correct/", {"correction_note": "Recounted"}
        )
    corrected = MonthlyReport.objects.get(version=2)
    assert response.url == f"/reports/monthly/{corrected.pk}/"
    page = client.get(response.url).content.decode()
    assert "Recounted" in page and "wrong P3" in page  # history spans the versions


def test_end_users_get_403_on_the_pages(client, user_a1):
    client.force_login(user_a1)
    assert client.get("/reports/monthly/").status_code == 403
    assert client.get("/reports/monthly/board/").status_code == 403


def test_api_list_detail_request_sign_off_dispute(api_for, client_a, report, manager_a, agent_a):
    api = api_for(manager_a)
    listed = api.get("/api/v1/reports/").json()
    assert [r["id"] for r in listed["results"]] == [report.pk]
    assert listed["next"] is None and "count" not in listed
    detail = api.get(f"/api/v1/reports/{report.pk}/").json()
    assert detail["summary"]["compliance"] is None  # no tickets in this client's October
    assert detail["files"]["pdf"] == f"/api/v1/reports/{report.pk}/file/pdf/"
    assert detail["progress"] == {"done": 5, "total": 5, "percent": 100}
    assert api.get(detail["files"]["xlsx"]).status_code == 200
    same = api.post("/api/v1/reports/", {"month": "2026-10"}, format="json")
    assert same.status_code == 200 and same.json()["id"] == report.pk
    bad = api.post("/api/v1/reports/", {"month": "oct"}, format="json")
    assert bad.status_code == 400 and "is not a month" in bad.json()["detail"]
    refused = api.post(f"/api/v1/reports/{report.pk}/dispute/", {"comment": ""}, format="json")
    assert refused.status_code == 400 and "which figure" in refused.json()["detail"]
    staff = api_for(agent_a).post(f"/api/v1/reports/{report.pk}/sign-off/", {}, format="json")
    assert staff.status_code == 403 and "managers" in staff.json()["detail"]
    signed = api.post(f"/api/v1/reports/{report.pk}/sign-off/", {"comment": "ok"}, format="json")
    assert signed.status_code == 200 and signed.json()["sign_off"] == "signed"


def test_api_request_for_another_client_is_404(api_for, client_a, client_b, manager_b):
    response = api_for(manager_b).post(
        "/api/v1/reports/", {"client": client_a.pk, "month": "2026-10"}, format="json"
    )
    assert response.status_code == 404
    assert not MonthlyReport.objects.exists()


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200, url
    return len(ctx.captured_queries)


def test_list_pages_cost_the_same_for_2_or_20_reports(client, client_a, manager_a, agent_a):
    from datetime import date

    from reports.dashboards.periods import add_months

    def add(n: int, offset: int) -> None:
        for i in range(offset, offset + n):
            first = add_months(date(2024, 1, 1), i)
            MonthlyReport.objects.create(
                client=client_a,
                period_start=first,
                period_end=add_months(first, 1).replace(day=1),
                language="en",
                created_at=NOW,
                status="ready",
                sign_off=("pending", "signed", "disputed")[i % 3],
                summary={"compliance": 90.0, "csat": 4.2},
            )

    cases = [
        (manager_a, "/reports/monthly/"),
        (manager_a, "/api/v1/reports/"),
        (agent_a, "/reports/monthly/board/"),
        (agent_a, f"/reports/monthly/?client={client_a.pk}"),
    ]
    add(2, 0)
    small = []
    for user, url in cases:
        client.force_login(user)
        small.append(_count(client, url))
    add(18, 2)
    large = []
    for user, url in cases:
        client.force_login(user)
        large.append(_count(client, url))
    assert small == large
    assert max(small) <= 10, small


def test_api_routes_are_documented_with_summaries(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    paths = schema["paths"]
    for path, method in [
        ("/api/v1/reports/", "get"),
        ("/api/v1/reports/", "post"),
        ("/api/v1/reports/{report_id}/", "get"),
        ("/api/v1/reports/{report_id}/file/{kind}/", "get"),
        ("/api/v1/reports/{report_id}/sign-off/", "post"),
        ("/api/v1/reports/{report_id}/dispute/", "post"),
        ("/api/v1/reports/{report_id}/answer/", "post"),
        ("/api/v1/reports/{report_id}/correct/", "post"),
    ]:
        assert paths[path][method]["summary"], (path, method)


def test_api_answer_and_correct_by_serving_staff(
    api_for, report, manager_a, agent_a, agent_b, django_capture_on_commit_callbacks
):
    api_for(manager_a).post(
        f"/api/v1/reports/{report.pk}/dispute/", {"comment": "P2 count"}, format="json"
    )
    other = api_for(agent_b).post(
        f"/api/v1/reports/{report.pk}/answer/", {"comment": "x"}, format="json"
    )
    assert other.status_code == 404
    staff = api_for(agent_a)
    answered = staff.post(f"/api/v1/reports/{report.pk}/answer/", {"comment": "Checked"})
    assert answered.status_code == 200 and answered.json()["sign_off"] == "disputed"
    missing = staff.post(f"/api/v1/reports/{report.pk}/correct/", {}, format="json")
    assert missing.status_code == 400 and "correction_note" in missing.json()
    by_manager = api_for(manager_a).post(
        f"/api/v1/reports/{report.pk}/correct/", {"correction_note": "x"}, format="json"
    )
    assert by_manager.status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        corrected = staff.post(
            f"/api/v1/reports/{report.pk}/correct/",
            {"correction_note": "Recounted P2"},
            format="json",
        )
    assert corrected.status_code == 201
    assert corrected.json()["version"] == 2 and corrected.json()["is_current"]
    old = staff.get(f"/api/v1/reports/{report.pk}/").json()
    assert old["is_current"] is False and old["files"]["pdf"]


# The huge number was found by tests/fuzz: int() took it and the database failed (a 500).
@pytest.mark.parametrize("bad", ["abc", "1223948796577292579919364096", "-1"])
def test_api_list_with_a_bad_client_filter_is_a_json_400(api_for, manager_a, bad):
    response = api_for(manager_a).get(f"/api/v1/reports/?client={bad}")
    assert response.status_code == 400 and "not a client id" in response.json()["detail"]


def test_december_9999_is_a_400_not_a_500(client, client_a, manager_a):
    client.force_login(manager_a)
    response = client.post("/reports/monthly/", {"client": client_a.pk, "month": "9999-12"})
    assert response.status_code == 400 and "is not a month" in response.content.decode()
