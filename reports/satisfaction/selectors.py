"""Reads of satisfaction data through visible_to(user); figures carry their response rate."""

from collections import defaultdict

from django.db.models import Avg, Count, Q
from django.shortcuts import get_object_or_404

from itsm.params import clean_text
from itsm.tenancy import Role

from .models import (
    FollowUp,
    Question,
    SurveyAnswer,
    SurveyInvitation,
    SurveyRound,
)


def follow_up_list_for(*, user, status: str | None = None):
    rows = FollowUp.objects.visible_to(user).select_related(
        "client", "ticket", "rating", "rating__rated_by", "handled_by", "complaint"
    )
    if (status := clean_text(status)) in FollowUp.Status.values:
        rows = rows.filter(status=status)
    return rows.order_by("-created_at", "-id")


def follow_up_get_for(*, user, follow_up_id: int) -> FollowUp:
    return get_object_or_404(follow_up_list_for(user=user), pk=follow_up_id)


def survey_invitations_for(*, user):
    """The surveys this person was asked to answer (their own only, whatever their role)."""
    return (
        SurveyInvitation.objects.visible_to(user)
        .filter(person_id=user.pk)
        .select_related("round", "round__questionnaire", "client")
        .order_by("-sent_at", "-id")
    )


def survey_invitation_get_for(*, user, invitation_id: int) -> SurveyInvitation:
    return get_object_or_404(survey_invitations_for(user=user), pk=invitation_id)


def survey_questions(invitation: SurveyInvitation) -> list[Question]:
    return list(invitation.round.questionnaire.questions.all())


def survey_answers_for(*, user, invitation: SurveyInvitation | None = None):
    """Answers the viewer may read: their own; a client manager's client's; served clients'."""
    rows = SurveyAnswer.objects.visible_to(user).select_related(
        "question", "invitation", "invitation__round", "invitation__round__questionnaire"
    )
    if invitation is not None:
        rows = rows.filter(invitation=invitation)
    return rows.order_by("-invitation__round__period_start", "invitation_id", "question__position")


def survey_rounds_for(*, user, client_id: int | None = None):
    """Survey rounds with their response rate (invited, answered); not for end users."""
    if user.is_authenticated and user.role == Role.END_USER:
        return SurveyRound.objects.none()
    rows = SurveyRound.objects.visible_to(user)
    if client_id is not None:
        rows = rows.filter(client_id=client_id)
    return (
        rows.select_related("client", "questionnaire")
        .annotate(
            invited=Count("invitations", distinct=True),
            answered=Count(
                "invitations", filter=Q(invitations__answered_at__isnull=False), distinct=True
            ),
        )
        .order_by("-period_start", "client__name", "pk")
    )


def survey_results(rounds) -> list[dict]:
    """Per round of `rounds` (an evaluated page): per question average, NPS and text answers.

    Three queries whatever the number of rounds: questions, score aggregates, text answers.
    """
    rounds = list(rounds)
    ids = [r.pk for r in rounds]
    questionnaire_ids = {r.questionnaire_id for r in rounds}
    questions = defaultdict(list)
    for question in Question.objects.filter(questionnaire_id__in=questionnaire_ids):
        questions[question.questionnaire_id].append(question)
    scores = {}
    aggregates = (
        SurveyAnswer.objects.filter(invitation__round_id__in=ids, score__isnull=False)
        .values("invitation__round_id", "question_id")
        .annotate(
            n=Count("pk"),
            average=Avg("score"),
            promoters=Count("pk", filter=Q(score__gte=9)),
            detractors=Count("pk", filter=Q(score__lte=6)),
        )
    )
    for row in aggregates:
        scores[(row["invitation__round_id"], row["question_id"])] = row
    texts = defaultdict(list)
    text_rows = (
        SurveyAnswer.objects.filter(invitation__round_id__in=ids)
        .exclude(text="")
        .values_list("invitation__round_id", "question_id", "text")
        .order_by("pk")
    )
    for round_id, question_id, text in text_rows:
        texts[(round_id, question_id)].append(text)
    results = []
    for survey_round in rounds:
        lines = []
        for question in questions[survey_round.questionnaire_id]:
            key = (survey_round.pk, question.pk)
            agg = scores.get(key, {})
            line = {
                "question": question,
                "answers": agg.get("n", 0),
                "texts": texts.get(key, []),
                "average": None,
                "nps": None,
            }
            if agg.get("n"):
                line["average"] = round(agg["average"], 1)
                if question.kind == Question.Kind.RECOMMEND:
                    line["nps"] = round(100 * (agg["promoters"] - agg["detractors"]) / agg["n"])
            lines.append(line)
        results.append(
            {
                "round": survey_round,
                "sent": survey_round.invited,
                "answered": survey_round.answered,
                "lines": lines,
            }
        )
    return results
