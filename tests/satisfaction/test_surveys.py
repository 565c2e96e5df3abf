"""Client surveys: sent once per client and period, reminded once, answered once, read by role."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from itsm.celery import app as celery_app
from itsm.models import OutboundEmail
from reports.satisfaction.models import (
    Question,
    Questionnaire,
    SurveyAnswer,
    SurveyInvitation,
    SurveyRound,
)
from reports.satisfaction.periods import period_end, period_label, period_start
from reports.satisfaction.surveys import survey_answer_submit, surveys_send_due
from tests.factories import make_client, make_user

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")
NOV_2 = datetime(2026, 11, 2, 9, 30, tzinfo=SHANGHAI)


@pytest.fixture
def questionnaire(db):
    q = Questionnaire.objects.create(title="Quarterly satisfaction")
    Question.objects.create(questionnaire=q, position=1, kind="scale", text="Response speed?")
    Question.objects.create(questionnaire=q, position=2, kind="recommend", text="Recommend us?")
    Question.objects.create(
        questionnaire=q, position=3, kind="text", text="What should we improve?", required=False
    )
    return q


def answers_for(q, scale, recommend, text=""):
    speed, nps, free = q.questions.order_by("position")
    return {speed.pk: scale, nps.pk: recommend, free.pk: text}


@pytest.mark.parametrize(
    ("day", "months", "start", "end", "label"),
    [
        (date(2026, 11, 29), 3, date(2026, 10, 1), date(2027, 1, 1), "2026 Q4"),
        (date(2026, 1, 1), 3, date(2026, 1, 1), date(2026, 4, 1), "2026 Q1"),
        (date(2026, 7, 15), 6, date(2026, 7, 1), date(2027, 1, 1), "2026 H2"),
        (date(2026, 12, 31), 1, date(2026, 12, 1), date(2027, 1, 1), "2026-12"),
        (date(2026, 5, 5), 12, date(2026, 1, 1), date(2027, 1, 1), "2026"),
    ],
)
def test_periods(day, months, start, end, label):
    assert period_start(day, months) == start
    assert period_end(start, months) == end
    assert period_label(start, months) == label


def test_beat_runs_the_survey_job_daily():
    entry = celery_app.conf.beat_schedule["surveys-send-due"]
    assert entry["task"] == "reports.satisfaction.tasks.surveys_send_due"
    from reports.satisfaction import tasks

    assert tasks.surveys_send_due.name == entry["task"]


def test_each_active_clients_managers_get_it_once_per_period(
    questionnaire, manager_a, manager_b, user_a1, client_b
):
    suspended = make_client(code="SX", status="suspended", suspension_reason="unpaid")
    make_user(role="client_manager", client=suspended, username="manager_s")
    assert surveys_send_due(now=NOV_2) == {"rounds": 2, "reminders": 0}
    invited = set(SurveyInvitation.objects.values_list("person__username", flat=True))
    assert invited == {"manager_a", "manager_b"}  # no end user (sample 0), no suspended client
    subjects = OutboundEmail.objects.filter(to=manager_a.email).values_list("subject", flat=True)
    assert list(subjects) == ["Quarterly satisfaction (2026 Q4)"]
    assert surveys_send_due(now=NOV_2 + timedelta(days=1)) == {"rounds": 0, "reminders": 0}
    assert SurveyRound.objects.count() == 2
    next_quarter = datetime(2027, 1, 2, 9, 30, tzinfo=SHANGHAI)
    assert surveys_send_due(now=next_quarter)["rounds"] == 2
    assert SurveyRound.objects.filter(period_start=date(2027, 1, 1)).count() == 2


def test_a_sample_of_end_users_when_configured(questionnaire, manager_a, client_a, site_a):
    questionnaire.end_user_sample_size = 2
    questionnaire.save()
    users = [make_user(client=client_a, site=site_a) for _ in range(5)]
    surveys_send_due(now=NOV_2)
    invited = SurveyInvitation.objects.exclude(person=manager_a)
    assert invited.count() == 2 and set(invited.values_list("person", flat=True)) <= {
        u.pk for u in users
    }


def test_reminder_after_seven_days_once_and_not_to_those_who_answered(
    questionnaire, manager_a, client_a
):
    other = make_user(role="client_manager", client=client_a, username="manager_a2")
    surveys_send_due(now=NOV_2)
    answered = SurveyInvitation.objects.get(person=other)
    survey_answer_submit(
        actor=other, invitation=answered, answers=answers_for(questionnaire, "4", "9")
    )
    assert surveys_send_due(now=NOV_2 + timedelta(days=6))["reminders"] == 0
    assert surveys_send_due(now=NOV_2 + timedelta(days=7))["reminders"] == 1
    assert surveys_send_due(now=NOV_2 + timedelta(days=8))["reminders"] == 0
    reminders = OutboundEmail.objects.filter(subject__startswith="Reminder")
    assert list(reminders.values_list("to", flat=True)) == [manager_a.email]


def test_no_reminder_once_the_period_is_over(questionnaire, manager_a):
    surveys_send_due(now=datetime(2026, 12, 28, 9, 30, tzinfo=SHANGHAI))
    assert surveys_send_due(now=datetime(2027, 1, 5, 9, 30, tzinfo=SHANGHAI))["reminders"] == 0


def test_manager_answers_once_on_the_page(login, questionnaire, manager_a):
    surveys_send_due()
    invitation = SurveyInvitation.objects.get(person=manager_a)
    web = login(manager_a)
    url = reverse("satisfaction:survey-answer", args=[invitation.pk])
    assert "Response speed?" in web.get(url).content.decode()
    speed, nps, free = questionnaire.questions.order_by("position")
    missing = web.post(url, {f"q{speed.pk}": "4"})
    assert missing.status_code == 400 and "Recommend us?" in missing.content.decode()
    ok = web.post(url, {f"q{speed.pk}": "4", f"q{nps.pk}": "10", f"q{free.pk}": "更快响应"})
    assert ok.status_code == 302
    rows = SurveyAnswer.objects.order_by("question__position").values_list("score", "text")
    assert list(rows) == [(4, ""), (10, ""), (None, "更快响应")]
    again = web.post(url, {f"q{speed.pk}": "1", f"q{nps.pk}": "0"})
    assert again.status_code == 400 and "already answered this survey" in again.content.decode()
    assert SurveyAnswer.objects.count() == 3


@pytest.mark.parametrize("bad", ["6", "0", "x", "²", "1e3"])
def test_out_of_range_answers_are_refused(questionnaire, manager_a, bad):
    surveys_send_due()
    invitation = SurveyInvitation.objects.get(person=manager_a)
    from itsm.exceptions import ApplicationError

    with pytest.raises(ApplicationError, match="takes a number from 1 to 5"):
        survey_answer_submit(
            actor=manager_a, invitation=invitation, answers=answers_for(questionnaire, bad, "5")
        )
    assert not SurveyAnswer.objects.exists()


def test_someone_elses_invitation_is_404(login, questionnaire, manager_a, client_a):
    colleague = make_user(role="client_manager", client=client_a, username="colleague")
    surveys_send_due()
    invitation = SurveyInvitation.objects.get(person=manager_a)
    web = login(colleague)
    url = reverse("satisfaction:survey-answer", args=[invitation.pk])
    assert web.get(url).status_code == 404
    assert web.post(url, {}).status_code == 404


def test_results_by_role(login, questionnaire, manager_a, manager_b, agent_a, user_a1):
    surveys_send_due()
    for manager, scale, nps, text in [
        (manager_a, "5", "10", "A说很好"),
        (manager_b, "2", "3", "B"),
    ]:
        invitation = SurveyInvitation.objects.get(person=manager)
        survey_answer_submit(
            actor=manager,
            invitation=invitation,
            answers=answers_for(questionnaire, scale, nps, text),
        )
    url = reverse("satisfaction:survey-results")
    page_a = login(manager_a).get(url).content.decode()
    assert "A说很好" in page_a and "NPS 100" in page_a and "1 of 1 answered" in page_a
    assert "东方物流" not in page_a and ">B<" not in page_a
    page_agent = login(agent_a).get(url).content.decode()  # agent_a serves client A only
    assert "A说很好" in page_agent and "东方物流" not in page_agent
    assert login(user_a1).get(url).status_code == 403


def test_results_page_queries_are_constant(login, questionnaire, agent_a, client_a):
    web = login(agent_a)
    url = reverse("satisfaction:survey-results")

    def grow(count):
        for _ in range(count):
            manager = make_user(role="client_manager", client=client_a)
            start = SurveyRound.objects.count()
            Questionnaire.objects.filter(pk=questionnaire.pk).update(title=f"Q{start}")
            questionnaire.refresh_from_db()
            from reports.satisfaction.surveys import survey_round_open

            clone = Questionnaire.objects.create(title=f"Survey {start}")
            for q in questionnaire.questions.all():
                Question.objects.create(
                    questionnaire=clone, position=q.position, kind=q.kind, text=q.text
                )
            survey_round = survey_round_open(questionnaire=clone, client=client_a)
            invitation = survey_round.invitations.get(person=manager)
            survey_answer_submit(
                actor=manager, invitation=invitation, answers=answers_for(clone, "3", "7", "ok")
            )

    grow(2)
    with CaptureQueriesContext(connection) as small:
        assert web.get(url).status_code == 200
    grow(8)
    with CaptureQueriesContext(connection) as large:
        assert web.get(url).status_code == 200
    assert len(small) == len(large) <= 14


def test_survey_list_queries_are_constant(login, questionnaire, manager_a):
    web = login(manager_a)
    url = reverse("satisfaction:survey-list")
    surveys_send_due(now=NOV_2)
    with CaptureQueriesContext(connection) as small:
        assert web.get(url).status_code == 200
    for year in range(2027, 2035):
        surveys_send_due(now=datetime(year, 2, 2, 9, 30, tzinfo=SHANGHAI))
    with CaptureQueriesContext(connection) as large:
        assert web.get(url).status_code == 200
    assert SurveyInvitation.objects.filter(person=manager_a).count() == 9
    assert len(small) == len(large) <= 10


def test_answers_close_with_the_period(questionnaire, manager_a):
    from itsm.exceptions import ApplicationError

    surveys_send_due(now=NOV_2)
    invitation = SurveyInvitation.objects.get(person=manager_a)
    with pytest.raises(ApplicationError, match="period has ended"):
        survey_answer_submit(
            actor=manager_a,
            invitation=invitation,
            answers=answers_for(questionnaire, "4", "8"),
            now=datetime(2027, 1, 1, 0, 5, tzinfo=SHANGHAI),
        )
    assert SurveyInvitation.objects.get(pk=invitation.pk).answered_at is None


def test_sampled_end_user_answers_their_own_survey(login, questionnaire, user_a1, manager_a):
    questionnaire.end_user_sample_size = 1
    questionnaire.save()
    surveys_send_due()
    invitation = SurveyInvitation.objects.get(person=user_a1)
    web = login(user_a1)
    assert questionnaire.title in web.get(reverse("satisfaction:survey-list")).content.decode()
    speed, nps, _free = questionnaire.questions.order_by("position")
    url = reverse("satisfaction:survey-answer", args=[invitation.pk])
    assert web.post(url, {f"q{speed.pk}": "3", f"q{nps.pk}": "6"}).status_code == 302
    manager_invitation = SurveyInvitation.objects.get(person=manager_a)
    other = reverse("satisfaction:survey-answer", args=[manager_invitation.pk])
    assert web.get(other).status_code == 404


def test_service_refuses_an_answer_for_someone_else(questionnaire, manager_a, client_a):
    from itsm.exceptions import ApplicationError

    colleague = make_user(role="client_manager", client=client_a, username="colleague2")
    surveys_send_due()
    invitation = SurveyInvitation.objects.get(person=manager_a)
    with pytest.raises(ApplicationError, match="sent to someone else"):
        survey_answer_submit(
            actor=colleague, invitation=invitation, answers=answers_for(questionnaire, "1", "0")
        )
    assert not SurveyAnswer.objects.exists()
