"""Every route, visited by client B's people with client A's ids, shows nothing of client A.

A new URL must be added to CASES (or, if it shows no tenant data, to EXEMPT) or this fails.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

# Routes that show no tenant-owned data, or are covered by their own tests.
EXEMPT_PREFIXES = ("admin:", "account_", "mfa_", "usersessions", "socialaccount")
EXEMPT = {
    "home",  # a redirect by role
    "healthz",
    "set_language",
    "schema",
    "api-docs",
    "api-token",  # credentials in, token out (tests/clients)
    "clients:invitation-accept",  # keyed by a secret token (tests/clients/test_invitations.py)
}

# name -> (method, function of the world returning URL args for client A's objects[, function
# returning a query string naming client A's objects])
CASES = {
    "portal:home": ("get", lambda w: []),
    "portal:ticket-list": ("get", lambda w: []),
    "portal:ticket-new": ("get", lambda w: []),
    "portal:ticket-detail": ("get", lambda w: [w["ticket"].pk]),
    "tickets:ticket-queue": ("get", lambda w: []),
    "tickets:ticket-client-list": ("get", lambda w: []),
    "clients:invitation-create": ("get", lambda w: []),
    "tickets:ticket-workspace": ("get", lambda w: [w["ticket"].pk]),
    "tickets:ticket-client-detail": ("get", lambda w: [w["ticket"].pk]),
    "tickets:attachment-download": ("get", lambda w: [w["attachment"].pk]),
    "ticket-list": ("get", lambda w: []),
    "ticket-detail": ("get", lambda w: [w["ticket"].pk]),
    "ticket-events": ("get", lambda w: [w["ticket"].pk]),
    "ticket-attachments": ("get", lambda w: [w["ticket"].pk]),
    "ticket-change-status": ("post", lambda w: [w["ticket"].pk]),
    "ticket-claim": ("post", lambda w: [w["ticket"].pk]),
    "ticket-assign": ("post", lambda w: [w["ticket"].pk]),
    "ticket-rating": ("post", lambda w: [w["ticket"].pk]),
    "attachment-download": ("get", lambda w: [w["attachment"].pk]),
    "dashboards:client-dashboard": ("get", lambda w: [], lambda w: f"client={w['client'].pk}"),
    "dashboards:client-dashboard-csv": (
        "get",
        lambda w: ["breaches"],
        lambda w: f"client={w['client'].pk}",
    ),
    "dashboards:provider-overview": ("get", lambda w: []),
    "dashboard-client": ("get", lambda w: [], lambda w: f"client={w['client'].pk}"),
    "dashboard-overview": ("get", lambda w: []),
    "monthly:report-list": ("get", lambda w: [], lambda w: f"client={w['client'].pk}"),
    "monthly:report-board": ("get", lambda w: []),
    "monthly:report-detail": ("get", lambda w: [w["report"].pk]),
    "monthly:report-download": ("get", lambda w: [w["report"].pk, "pdf"]),
    "monthly:report-sign-off": ("post", lambda w: [w["report"].pk]),
    "monthly:report-dispute": ("post", lambda w: [w["report"].pk]),
    "monthly:report-answer": ("post", lambda w: [w["report"].pk]),
    "monthly:report-correct": ("post", lambda w: [w["report"].pk]),
    "monthly-report-list": ("get", lambda w: [], lambda w: f"client={w['client'].pk}"),
    "monthly-report-detail": ("get", lambda w: [w["report"].pk]),
    "monthly-report-download": ("get", lambda w: [w["report"].pk, "xlsx"]),
    "monthly-report-sign-off": ("post", lambda w: [w["report"].pk]),
    "monthly-report-dispute": ("post", lambda w: [w["report"].pk]),
    "monthly-report-answer": ("post", lambda w: [w["report"].pk]),
    "monthly-report-correct": ("post", lambda w: [w["report"].pk]),
}


def named_routes(resolver=None, namespace=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from named_routes(entry, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}"


def test_every_route_is_classified():
    unclassified = sorted(
        name
        for name in set(named_routes())
        if name not in CASES and name not in EXEMPT and not name.startswith(EXEMPT_PREFIXES)
    )
    assert not unclassified, f"add an isolation case for these routes: {unclassified}"


@pytest.fixture
def world(ticket_a1, client_a, user_a1):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.monthly.helpers import make_ready_report
    from tickets.services import attachment_add

    upload = SimpleUploadedFile("secret-a.txt", b"client A secret contents")
    attachment = attachment_add(actor=user_a1, ticket=ticket_a1, upload=upload)
    report = make_ready_report(client_a, next_steps="client A next steps", sign_off="disputed")
    markers = [ticket_a1.reference, ticket_a1.subject, client_a.name, "client A secret contents"]
    markers += ["client A next steps", "%PDF", report.pdf.name]
    return {
        "ticket": ticket_a1,
        "client": client_a,
        "attachment": attachment,
        "report": report,
        "markers": markers,
    }


@pytest.mark.parametrize("name", sorted(CASES))
@pytest.mark.parametrize("who", ["user_b1", "manager_b", "agent_b"])
def test_client_b_sees_nothing_of_client_a(request, client, world, name, who):
    from django.urls import reverse

    user = request.getfixturevalue(who)
    client.force_login(user)
    method, args, *query = CASES[name]
    url = reverse(name, args=args(world)) + (f"?{query[0](world)}" if query else "")
    response = getattr(client, method)(url)
    assert response.status_code in (200, 302, 400, 403, 404, 405), response.status_code
    body = response.content.decode()
    for marker in world["markers"]:
        assert marker not in body, f"{name} as {who} leaked {marker!r}"
    if method == "post":
        world["ticket"].refresh_from_db()
        assert world["ticket"].version == 1, f"{name} as {who} changed client A's ticket"
        report = world["report"]
        report.refresh_from_db()
        assert (report.sign_off, report.is_current, report.actions.count()) == (
            "disputed",
            True,
            1,
        ), f"{name} as {who} changed client A's report"
