"""Periodic client surveys: rounds per client and period, invitations, reminders, answers."""

from datetime import timedelta

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.models import Client, User
from itsm.exceptions import ApplicationError
from itsm.tenancy import Role

from .emails import email_send
from .models import Question, Questionnaire, SurveyAnswer, SurveyInvitation, SurveyRound
from .periods import period_end, period_start


def _recipients(client: Client, questionnaire: Questionnaire) -> list[User]:
    people = User.objects.filter(client=client, is_active=True)
    managers = list(people.filter(role=Role.CLIENT_MANAGER).order_by("pk"))
    sample = []
    if questionnaire.end_user_sample_size:
        # A fresh random sample each period, so over time every user may be asked.
        sample = list(
            people.filter(role=Role.END_USER).order_by("?")[: questionnaire.end_user_sample_size]
        )
    return managers + sample


def survey_round_open(
    *, questionnaire: Questionnaire, client: Client, now=None
) -> SurveyRound | None:
    """Send the questionnaire of the current period to `client` once (None if already sent)."""
    now = now or timezone.now()
    start = period_start(timezone.localdate(now), questionnaire.every_months)
    if SurveyRound.objects.filter(
        client=client, questionnaire=questionnaire, period_start=start
    ).exists():
        return None
    people = _recipients(client, questionnaire)
    if not people:
        return None  # no one to ask yet; tried again at the next run of the period
    try:
        with transaction.atomic():
            survey_round = SurveyRound.objects.create(
                client=client,
                questionnaire=questionnaire,
                period_start=start,
                period_end=period_end(start, questionnaire.every_months),
                sent_at=now,
            )
            for person in people:
                invitation = SurveyInvitation.objects.create(
                    client=client, round=survey_round, person=person, sent_at=now
                )
                _invite(invitation, "survey_invitation")
    except IntegrityError:
        return None  # a racing run sent it
    return survey_round


def _invite(invitation: SurveyInvitation, template: str) -> None:
    link = reverse("satisfaction:survey-answer", args=[invitation.pk])
    email_send(
        invitation.person,
        template,
        invitation=invitation,
        survey_round=invitation.round,
        questionnaire=invitation.round.questionnaire,
        link_path=link,
    )


def survey_reminders_send(*, now=None) -> int:
    """Remind once those who have not answered a round of a still-open period."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    sent = 0
    for questionnaire in Questionnaire.objects.filter(is_active=True):
        cutoff = now - timedelta(days=questionnaire.reminder_after_days)
        with transaction.atomic():
            due = (
                SurveyInvitation.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("round__questionnaire", "person")
                .filter(
                    round__questionnaire=questionnaire,
                    round__period_end__gt=today,
                    answered_at__isnull=True,
                    reminded_at__isnull=True,
                    sent_at__lte=cutoff,
                )
            )
            for invitation in due:
                invitation.reminded_at = now
                invitation.save(update_fields=["reminded_at"])
                _invite(invitation, "survey_reminder")
                sent += 1
    return sent


def surveys_send_due(*, now=None) -> dict:
    """The periodic job: open this period's rounds for active clients, then send reminders."""
    now = now or timezone.now()
    opened = 0
    clients = list(Client.objects.filter(status=Client.Status.ACTIVE).order_by("pk"))
    for questionnaire in Questionnaire.objects.filter(is_active=True).order_by("pk"):
        for client in clients:
            opened += (
                survey_round_open(questionnaire=questionnaire, client=client, now=now) is not None
            )
    return {"rounds": opened, "reminders": survey_reminders_send(now=now)}


def _clean_answer(question: Question, raw) -> tuple[int | None, str] | None:
    """(score, text) of one answer, None when left empty; ApplicationError when invalid."""
    raw = "" if raw is None else str(raw).strip()
    if not raw:
        if question.required:
            raise ApplicationError(
                _("Please answer: %(question)s") % {"question": question.text},
                {"code": "missing", "question": question.pk},
            )
        return None
    if question.kind == Question.Kind.TEXT:
        return None, raw[:4000]
    low, high = question.score_range
    try:
        score = int(raw)
    except ValueError:
        score = None
    if score is None or not low <= score <= high:
        raise ApplicationError(
            _("“%(question)s” takes a number from %(low)s to %(high)s.")
            % {"question": question.text, "low": low, "high": high},
            {"code": "bad_score", "question": question.pk},
        )
    return score, ""


@transaction.atomic
def survey_answer_submit(
    *, actor: User, invitation: SurveyInvitation, answers: dict, now=None
) -> SurveyInvitation:
    """The invited person answers, once; `answers` maps question id to the value given."""
    now = now or timezone.now()
    if invitation.person_id != actor.pk:
        raise ApplicationError(_("This survey was sent to someone else."), {"code": "not_yours"})
    invitation = (
        SurveyInvitation.objects.select_for_update(of=("self",))
        .select_related("round__questionnaire")
        .get(pk=invitation.pk)
    )
    if invitation.answered_at is not None:
        raise ApplicationError(
            _("You have already answered this survey for this period."),
            {"code": "already_answered"},
        )
    if timezone.localdate(now) >= invitation.round.period_end:
        raise ApplicationError(_("This survey period has ended."), {"code": "period_ended"})
    rows = []
    for question in invitation.round.questionnaire.questions.all():
        cleaned = _clean_answer(question, answers.get(question.pk, answers.get(str(question.pk))))
        if cleaned is not None:
            score, text = cleaned
            rows.append(
                SurveyAnswer(
                    client_id=invitation.client_id,
                    invitation=invitation,
                    question=question,
                    score=score,
                    text=text,
                )
            )
    SurveyAnswer.objects.bulk_create(rows)
    invitation.answered_at = now
    invitation.save(update_fields=["answered_at"])
    return invitation
