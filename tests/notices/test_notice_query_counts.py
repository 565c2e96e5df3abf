"""Notice pages and API lists cost the same number of queries for 2 or 20 notices."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from clients.models import User
from reports.notices.services import TargetSpec, notices_mark_seen
from tests.factories import make_user

from .conftest import publish

pytestmark = pytest.mark.django_db


def queries_for(web, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = web.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def grow(admin, targets, count, gold):
    for n in range(count):
        severity = "outage" if n % 2 else "info"
        specs = [TargetSpec(client=c, tiers=[gold] if n % 3 == 0 else []) for c in targets]
        publish(admin, specs, severity=severity, title=f"Notice {n}")


@pytest.mark.parametrize(
    ("who", "url"),
    [
        ("admin_user", reverse("notices:notice-list")),
        ("agent_a", reverse("notices:notice-list")),
        ("manager_a", reverse("notices:notice-list")),
        ("user_a1", reverse("portal:home")),
        ("admin_user", "/api/v1/notices/"),
        ("manager_a", "/api/v1/notices/"),
        ("user_a1", "/api/v1/notices/"),
    ],
)
def test_notice_lists_are_constant(
    request, login, who, url, admin_user, agent_a, client_a, client_b, user_a1, user_b1, gold
):
    web = login(request.getfixturevalue(who))
    grow(admin_user, [client_a, client_b], 2, gold)
    small = queries_for(web, url)
    grow(admin_user, [client_a, client_b], 18, gold)
    large = queries_for(web, url)
    assert small == large, (small, large)
    assert large <= 12, large


def test_receipt_list_is_constant(login, admin_user, client_a, site_a, user_a1):
    notice = publish(admin_user, [client_a])
    web = login(admin_user)
    url = reverse("notices:notice-receipts", args=[notice.pk])
    small = queries_for(web, url)
    for n in range(20):
        make_user(client=client_a, site=site_a, username=f"reader{n}")
    # People who join later get their receipt when they first see the notice.
    for person in User.objects.filter(client=client_a, role="end_user"):
        notices_mark_seen(actor=person, notices=[notice], now=notice.published_at)
    assert notice.receipts.count() == 21
    large = queries_for(web, url)
    assert small == large
