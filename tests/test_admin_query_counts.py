"""Every admin changelist of our apps runs the same number of queries at 2 rows and at 20.

The world is built by `grow(n)`, which adds n rows of every registered model; a model the test
cannot grow fails with "teach grow()" rather than passing on an empty page.
"""

from datetime import date, timedelta

import pytest
from django.contrib import admin
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from audit.services import audit_record
from clients.models import Invitation
from clients.services import api_token_create
from intake.models import ClientEmailDomain, InboundEmail
from itsm.models import Heartbeat, OutboundEmail
from itsm.tenancy import Role
from notifications.models import NotificationPreference, TeamNotificationSetting
from reports.complaints.models import ComplaintSettings, ManagementContact
from reports.complaints.services import complaint_open
from reports.notices.services import TargetSpec, notice_create
from reports.satisfaction.models import (
    CsatRequest,
    FollowUp,
    Question,
    Questionnaire,
    SurveyAnswer,
    SurveyInvitation,
    SurveyRound,
)
from robots.models import RobotMessage, RobotTarget
from sla.models import (
    BusinessCalendar,
    CalendarDay,
    EscalationRule,
    HeldNotification,
    OfficialDaysReminder,
    RetargetJob,
    RuleFiring,
    ServiceTier,
    SlaClock,
    TierAssignment,
    TierTarget,
)
from tickets.models import Attachment, Priority, PriorityRule, Rating, ReplyTemplate, TimeEntry

from . import factories as f

pytestmark = pytest.mark.django_db

OUR_APPS = {
    "audit",
    "itsm",
    "clients",
    "tickets",
    "sla",
    "users_portal",
    "reports",
    "complaints",
    "satisfaction",
    "intake",
    "notifications",
    "robots",
}
# Rows a migration fills completely (impact x urgency); no relation is shown in the list.
FIXED_TABLES = {PriorityRule}
_counter = iter(range(10**6))


def grow(n: int, rule: EscalationRule) -> None:
    """Add n rows to every model listed in the admin (tickets bring events and clocks)."""
    now = timezone.now()
    for _ in range(n):
        i = next(_counter)
        client = f.make_client()
        site = f.make_site(client=client)
        f.make_agreement(client=client, categories=[f.make_category(f"cat{i}")])
        user = f.make_user(client=client, site=site)
        agent = f.make_user(role=Role.AGENT)
        team = f.make_team(members=[agent], clients=[client], lead=agent)
        ReplyTemplate.objects.create(team=team, title=f"t{i}", body="Hello {requester_name}")
        TeamNotificationSetting.objects.create(team=team)
        robot = RobotTarget.objects.create(
            team=team, name=f"robot {i}", vendor="wecom", url="https://qyapi.weixin.qq.com/x"
        )
        RobotMessage.objects.create(target=robot, event="test", key=f"t{i}", attempts=1)
        NotificationPreference.objects.create(user=agent)
        Invitation.objects.create(client=client, site=site, email=f"inv{i}@x.cn", invited_by=agent)
        api_token_create(actor=user, name=f"script {i}")
        audit_record(
            actor=agent,
            action=AuditEvent.Action.USER_CHANGED,
            subject_user=user,
            client=client,
            changes={"role": {"old": "end_user", "new": "client_manager"}},
        )
        ticket = f.make_ticket(requester=user)  # tells the team's agent: a Notification row
        attachment = Attachment(
            ticket=ticket,
            client=client,
            token=f"qc-{i}",
            filename=f"f{i}.txt",
            content_type="text/plain",
            size=1,
            uploaded_by=user,
        )
        attachment.file.save(f"f{i}.txt", ContentFile(b"x"), save=False)
        attachment.save()
        rating = Rating.objects.create(ticket=ticket, client=client, score=1, rated_by=user)
        TimeEntry.objects.create(ticket=ticket, client=client, agent=agent, minutes=15)
        notice_create(
            actor=agent,
            title=f"n{i}",
            body="b",
            severity="info",
            published_at=now,
            expires_at=None,
            targets=[TargetSpec(client=client, sites=[site])],
            now=now,
        )
        CsatRequest.objects.create(
            client=client, ticket=ticket, resolution=1, requester=user, nonce=f"qc{i}"
        )
        FollowUp.objects.create(client=client, rating=rating, ticket=ticket)
        questionnaire = Questionnaire.objects.create(title=f"q{i}")
        question = Question.objects.create(questionnaire=questionnaire, text=f"q{i}?")
        survey = SurveyRound.objects.create(
            client=client,
            questionnaire=questionnaire,
            period_start=date(2030, 1, 1),
            period_end=date(2030, 3, 31),
        )
        invitation = SurveyInvitation.objects.create(client=client, round=survey, person=user)
        SurveyAnswer.objects.create(
            client=client, invitation=invitation, question=question, score=5
        )
        complaint_open(
            actor=user,
            client=client,
            source="direct",
            category="not_resolved",
            subject=f"c{i}",
            description="d",
            tickets=[ticket],
            now=now,
        )
        ComplaintSettings.objects.get_or_create(client=client, defaults={"account_director": agent})
        ManagementContact.objects.create(person=agent)
        OutboundEmail.objects.create(to=f"o{i}@x.cn", subject="s", body="b")
        ClientEmailDomain.objects.create(client=client, domain=f"c{i}.example.cn")
        InboundEmail.objects.create(
            client=client, status="triage", raw=b"x", size=1, received_at=now, ticket=ticket
        )
        Heartbeat.objects.create(name=f"beat{i}", beat_at=now)
        OfficialDaysReminder.objects.create(week=date(2030, 1, 7) + timedelta(weeks=i))
        calendar = BusinessCalendar.objects.create(code=f"cal{i}", name=f"Calendar {i}")
        CalendarDay.objects.create(calendar=calendar, date=date(2030, 1, 1), kind="holiday")
        tier = ServiceTier.objects.create(name=f"Tier {i}", calendar=calendar)
        for priority in Priority.values:
            TierTarget.objects.create(
                tier=tier, priority=priority, response_minutes=60, resolution_minutes=600
            )
        TierAssignment.objects.create(client=client, tier=tier)
        RetargetJob.objects.create(scope="tier", scope_id=tier.pk, reason=f"r{i}")
        EscalationRule.objects.create(
            name=f"rule {i}",
            tier=tier,
            clock_kind="response",
            trigger="breach",
            action="notify_assignee",
        )
        for clock in SlaClock.objects.filter(ticket=ticket):
            firing = RuleFiring.objects.create(
                client=client, rule=rule, clock=clock, trigger_at=now, fired_at=now
            )
            HeldNotification.objects.create(
                client=client, firing=firing, recipient=agent, send_after=now + timedelta(hours=1)
            )


def changelists():
    return [
        (model, reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"))
        for model in admin.site._registry
        if model._meta.app_label in OUR_APPS and model not in FIXED_TABLES
    ]


def measure(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries), len(response.context["cl"].result_list)


def test_admin_changelists_run_constant_queries(client, admin_user):
    client.force_login(admin_user)
    CalendarDay.objects.all().delete()  # built-in calendars would fill the first page already
    rule = EscalationRule.objects.create(
        name="firing rule", clock_kind="response", trigger="warning", action="notify_assignee"
    )
    grow(2, rule)
    small = {model: measure(client, url) for model, url in changelists()}
    grow(18, rule)
    problems = []
    for model, url in changelists():
        queries, rows = measure(client, url)
        small_queries, small_rows = small[model]
        if rows < small_rows + 18:
            problems.append(f"{model._meta.label}: teach grow() to add rows ({small_rows}->{rows})")
        elif queries != small_queries:
            problems.append(
                f"{model._meta.label}: {small_queries} queries at {small_rows} rows, "
                f"{queries} at {rows} (list_select_related / annotate)"
            )
    assert not problems, "\n".join(problems)
