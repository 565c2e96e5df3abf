"""API shapes of the satisfaction endpoints."""

from rest_framework import serializers

from .models import FollowUp, Question, SurveyAnswer, SurveyInvitation


class RatingByTokenSerializer(serializers.Serializer):
    ticket = serializers.IntegerField(min_value=1, max_value=2**31 - 1)
    token = serializers.CharField(max_length=500)
    score = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True)


class RatingByTokenResultSerializer(serializers.Serializer):
    ticket = serializers.CharField(help_text="The rated ticket's reference.")
    score = serializers.IntegerField()
    comment = serializers.CharField()


class QuestionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Question
        fields = ["id", "position", "kind", "text", "required"]


class SurveyInvitationSerializer(serializers.ModelSerializer):
    questionnaire = serializers.CharField(source="round.questionnaire.title")
    period = serializers.CharField(source="round.period_label")
    period_start = serializers.DateField(source="round.period_start")

    class Meta:
        model = SurveyInvitation
        fields = ["id", "questionnaire", "period", "period_start", "sent_at", "answered_at"]


class SurveyInvitationDetailSerializer(SurveyInvitationSerializer):
    questions = QuestionSerializer(source="round.questionnaire.questions", many=True)

    class Meta(SurveyInvitationSerializer.Meta):
        fields = [*SurveyInvitationSerializer.Meta.fields, "questions"]


class SurveySubmitSerializer(serializers.Serializer):
    answers = serializers.DictField(
        child=serializers.CharField(allow_blank=True, max_length=4000),
        help_text='Question id -> answer: "1".."5", "0".."10" or free text.',
    )


class SurveyAnswerSerializer(serializers.ModelSerializer):
    invitation = serializers.IntegerField(source="invitation_id")
    client = serializers.IntegerField(source="client_id")
    period_start = serializers.DateField(source="invitation.round.period_start")
    question = serializers.CharField(source="question.text")
    kind = serializers.CharField(source="question.kind")

    class Meta:
        model = SurveyAnswer
        fields = ["id", "invitation", "client", "period_start", "question", "kind", "score", "text"]


class FollowUpSerializer(serializers.ModelSerializer):
    ticket = serializers.CharField(source="ticket.reference")
    ticket_id = serializers.IntegerField()
    client = serializers.CharField(source="client.name")
    score = serializers.IntegerField(source="rating.score")
    comment = serializers.CharField(source="rating.comment")
    handled_by = serializers.CharField(source="handled_by.username", default=None, allow_null=True)

    class Meta:
        model = FollowUp
        fields = [
            "id",
            "ticket",
            "ticket_id",
            "client",
            "score",
            "comment",
            "status",
            "note",
            "handled_by",
            "created_at",
            "handled_at",
        ]


class FollowUpDoneSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=4000)
