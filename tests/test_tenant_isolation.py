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
    # Signed single-use rating tokens, no sign-in; forged/other-ticket/expired/reused refused in
    # tests/satisfaction/test_csat_links.py and test_csat_api.py.
    "satisfaction:rating-by-token",
    "satisfaction:rating-comment",
    "rating-by-token",
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
    "clients:token-list": ("get", lambda w: []),
    "clients:token-revoke": ("post", lambda w: [w["token"].pk]),
    "api-token-list": ("get", lambda w: []),
    "api-token-detail": ("delete", lambda w: [w["token"].pk]),
    "api-token-current": ("delete", lambda w: []),
    "notices:notice-list": ("get", lambda w: []),
    "notices:notice-create": ("get", lambda w: []),
    "notices:notice-detail": ("get", lambda w: [w["notice"].pk]),
    "notices:notice-edit": ("get", lambda w: [w["notice"].pk]),
    "notices:notice-withdraw": ("post", lambda w: [w["notice"].pk]),
    "notices:notice-acknowledge": ("post", lambda w: [w["notice"].pk]),
    "notices:notice-receipts": ("get", lambda w: [w["notice"].pk]),
    "notice-list": ("get", lambda w: []),
    "notice-detail": ("get", lambda w: [w["notice"].pk]),
    "notice-withdraw": ("post", lambda w: [w["notice"].pk]),
    "notice-seen": ("post", lambda w: [w["notice"].pk]),
    "notice-acknowledge": ("post", lambda w: [w["notice"].pk]),
    "notice-receipts": ("get", lambda w: [w["notice"].pk]),
    "notifications:notification-list": ("get", lambda w: []),
    "notifications:notification-read": ("post", lambda w: [w["notification"].pk]),
    "notifications:notification-read-all": ("post", lambda w: []),
    "notifications:notification-preferences": ("get", lambda w: []),
    "notification-list": ("get", lambda w: []),
    "notification-detail": ("get", lambda w: [w["notification"].pk]),
    "notification-read": ("post", lambda w: [w["notification"].pk]),
    "notification-read-all": ("post", lambda w: []),
    "complaints:complaint-list": ("get", lambda w: []),
    "complaints:complaint-new": ("get", lambda w: []),
    "complaints:complaint-detail": ("get", lambda w: [w["complaint"].pk]),
    "complaint-list": ("get", lambda w: []),
    "complaint-detail": ("get", lambda w: [w["complaint"].pk]),
    "complaint-timeline": ("get", lambda w: [w["complaint"].pk]),
    "complaint-acknowledge": ("post", lambda w: [w["complaint"].pk]),
    "complaint-investigate": ("post", lambda w: [w["complaint"].pk]),
    "complaint-resolve": ("post", lambda w: [w["complaint"].pk]),
    "complaint-accept": ("post", lambda w: [w["complaint"].pk]),
    "complaint-reject": ("post", lambda w: [w["complaint"].pk]),
    "complaint-comment": ("post", lambda w: [w["complaint"].pk]),
    "satisfaction:survey-list": ("get", lambda w: []),
    "satisfaction:survey-answer": ("get", lambda w: [w["invitation"].pk]),
    "satisfaction:survey-results": ("get", lambda w: []),
    "satisfaction:followup-list": ("get", lambda w: []),
    "satisfaction:followup-done": ("post", lambda w: [w["follow_up"].pk]),
    "satisfaction:followup-complaint": ("post", lambda w: [w["follow_up"].pk]),
    "survey-invitation-list": ("get", lambda w: []),
    "survey-invitation-detail": ("get", lambda w: [w["invitation"].pk]),
    "survey-invitation-answer": ("post", lambda w: [w["invitation"].pk]),
    "survey-answer-list": ("get", lambda w: []),
    "follow-up-list": ("get", lambda w: []),
    "follow-up-detail": ("get", lambda w: [w["follow_up"].pk]),
    "follow-up-done": ("post", lambda w: [w["follow_up"].pk]),
    "dashboards:client-dashboard": ("get", lambda w: [], lambda w: f"client={w['client'].pk}"),
    "dashboards:client-dashboard-csv": (
        "get",
        lambda w: ["breaches"],
        lambda w: f"client={w['client'].pk}",
    ),
    "dashboards:provider-overview": ("get", lambda w: []),
    "dashboard-client": ("get", lambda w: [], lambda w: f"client={w['client'].pk}"),
    "dashboard-overview": ("get", lambda w: []),
    # The world's token creation is an audit event about user A1 (token name and username leak).
    "audit:event-list": ("get", lambda w: []),
    "audit:event-export": ("get", lambda w: []),
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
    "intake:inbound-list": ("get", lambda w: [], lambda w: "status=all"),
    "intake:inbound-detail": ("get", lambda w: [w["inbound"].pk]),
    "robots:robot-list": ("get", lambda w: []),
    "robots:robot-new": ("get", lambda w: []),
    "robots:robot-edit": ("get", lambda w: [w["robot"].pk]),
    "robots:robot-test": ("post", lambda w: [w["robot"].pk]),
    "robots:robot-toggle": ("post", lambda w: [w["robot"].pk]),
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
def world(ticket_a1, client_a, user_a1, agent_a):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from clients.services import api_token_create
    from intake.services import intake_message
    from notifications.services import notify_new_ticket
    from reports.complaints.services import complaint_open
    from reports.notices.services import TargetSpec, notice_create
    from robots.models import RobotMessage, RobotTarget
    from tests.monthly.helpers import make_ready_report
    from tests.satisfaction.isolation import satisfaction_world
    from tickets.services import attachment_add

    upload = SimpleUploadedFile("secret-a.txt", b"client A secret contents")
    attachment = attachment_add(actor=user_a1, ticket=ticket_a1, upload=upload)
    notice = notice_create(
        actor=agent_a,
        title="Notice for A 机房停电",
        body="client A outage details",
        severity="outage",
        published_at=timezone.now(),
        expires_at=None,
        targets=[TargetSpec(client=client_a)],
        now=timezone.now(),
    )
    markers = [ticket_a1.reference, ticket_a1.subject, client_a.name, "client A secret contents"]
    markers.append(attachment.filename)
    token, _key = api_token_create(actor=user_a1, name="A1 token 秘密脚本")
    markers.append(token.name)
    markers += [notice.title, notice.body, user_a1.username]
    complaint = complaint_open(
        actor=user_a1,
        client=client_a,
        source="direct",
        category="attitude",
        subject="client A complaint subject",
        description="client A complaint description",
        tickets=[ticket_a1],
    )
    markers += [complaint.reference, complaint.subject]
    inbound = intake_message(
        raw=(
            f"From: {user_a1.email}\r\nSubject: client A inbound mail 机密\r\n\r\n"
            "client A mailbox secret\r\n"
        ).encode(),
        now=timezone.now(),
    )
    markers += [inbound.subject, "client A mailbox secret", user_a1.email]
    # ticket_a1 was filed before agent_a joined Team A: tell the team now.
    notification = notify_new_ticket(actor=user_a1, ticket=ticket_a1, now=timezone.now())[0]
    assert notification.recipient == agent_a
    world = {
        "notification": notification,
        "ticket": ticket_a1,
        "client": client_a,
        "attachment": attachment,
        "token": token,
        "notice": notice,
        "complaint": complaint,
        "inbound": inbound,
        "markers": markers,
    }
    satisfaction_world(world, client_a, user_a1)
    report = make_ready_report(client_a, next_steps="client A next steps", sign_off="disputed")
    world["report"] = report
    markers += ["client A next steps", "%PDF", report.pdf.name]
    # Team A's group robot: its name, URL key and a failed delivery are Team A's business.
    robot = RobotTarget.objects.create(
        team=agent_a.teams.get(),
        name="Team A robot 值班群",
        vendor="wecom",
        url="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=team-a-robot-key",
        secret="team-a-signing-secret",
    )
    RobotMessage.objects.create(
        target=robot, event="test", key="t", attempts=1, last_error="team A robot error"
    )
    world["robot"] = robot
    markers += [robot.name, "team-a-robot-key", "team-a-signing-secret", "team A robot error"]
    return world


def seen_by_the_visitor(response) -> str:
    """Headers and body as text; a file download streams, so its content is read from the stream
    (a leaked download then fails with the leak message, not an AttributeError)."""
    content = (
        b"".join(response.streaming_content) if response.streaming else response.content
    ).decode(errors="replace")
    headers = "\n".join(f"{key}: {value}" for key, value in response.headers.items())
    return f"{headers}\n\n{content}"


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
    body = seen_by_the_visitor(response)
    for marker in world["markers"]:
        assert marker not in body, f"{name} as {who} leaked {marker!r}"
    world["token"].refresh_from_db()
    assert world["token"].revoked_at is None, f"{name} as {who} revoked user A1's token"
    if method == "post":
        world["ticket"].refresh_from_db()
        assert world["ticket"].version == 1, f"{name} as {who} changed client A's ticket"
        world["notice"].refresh_from_db()
        assert world["notice"].withdrawn_at is None, f"{name} as {who} withdrew A's notice"
        receipts = world["notice"].receipts.values_list("user_id", "seen_at", "acknowledged_at")
        assert list(receipts) == [(world["ticket"].requester_id, None, None)], name
        notification = world["notification"]
        notification.refresh_from_db()
        assert notification.read_at is None, f"{name} as {who} read agent A's notification"
        complaint = world["complaint"]
        assert complaint.events.count() == 1, f"{name} as {who} wrote on client A's complaint"
        complaint.refresh_from_db()
        assert complaint.status == "open", f"{name} as {who} moved client A's complaint"
        report = world["report"]
        report.refresh_from_db()
        assert (report.sign_off, report.is_current, report.actions.count()) == (
            "disputed",
            True,
            1,
        ), f"{name} as {who} changed client A's report"
        robot = world["robot"]
        robot.refresh_from_db()
        assert robot.is_active, f"{name} as {who} switched Team A's robot off"
        assert robot.messages.count() == 1, f"{name} as {who} sent a test to Team A's robot"


@pytest.mark.parametrize("who", ["user_a2", "manager_a", "agent_a", "admin_user"])
def test_api_tokens_are_private_to_their_owner(request, client, user_a1, who):
    """Even in one client, and for admins, a token page shows and revokes only one's own."""
    from django.urls import reverse

    from clients.services import api_token_create

    token, _key = api_token_create(actor=user_a1, name="A1 private token")
    client.force_login(request.getfixturevalue(who))
    page = client.get(reverse("clients:token-list"))
    assert page.status_code == 200 and "A1 private token" not in page.content.decode()
    assert client.post(reverse("clients:token-revoke", args=[token.pk])).status_code == 404
    assert client.delete(reverse("api-token-detail", args=[token.pk])).status_code == 404
    assert "A1 private token" not in client.get(reverse("api-token-list")).content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None
