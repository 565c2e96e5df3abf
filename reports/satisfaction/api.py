"""Satisfaction API under /api/v1/: rating by emailed token, survey answers, follow-ups."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import AllowAny, BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from . import selectors
from .csat import csat_comment_by_token, csat_rate_by_token
from .models import FollowUp, SurveyAnswer, SurveyInvitation
from .recovery import follow_up_done
from .serializers import (
    FollowUpDoneSerializer,
    FollowUpSerializer,
    RatingByTokenResultSerializer,
    RatingByTokenSerializer,
    SurveyAnswerSerializer,
    SurveyInvitationDetailSerializer,
    SurveyInvitationSerializer,
    SurveySubmitSerializer,
)
from .surveys import survey_answer_submit


def incoming(request, serializer_class) -> dict:
    data = serializer_class(data=request.data)
    data.is_valid(raise_exception=True)
    return data.validated_data


class IsProviderStaff(BasePermission):
    message = _("Only the service desk can do that.")

    def has_permission(self, request, view):
        return bool(
            request.user and request.user.is_authenticated and request.user.is_provider_staff
        )


class RatingByTokenView(APIView):
    """No sign-in: the signed single-use token from the email is the credential."""

    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        summary="Rate a resolved ticket with the token from its rating email",
        request=RatingByTokenSerializer,
        responses={201: RatingByTokenResultSerializer},
    )
    def post(self, request):
        data = incoming(request, RatingByTokenSerializer)
        rating = csat_rate_by_token(
            ticket_id=data["ticket"], token=data["token"], score=data["score"]
        )
        if data.get("comment", "").strip():
            rating = csat_comment_by_token(
                ticket_id=data["ticket"], token=data["token"], comment=data["comment"]
            )
        body = {"ticket": rating.ticket.reference, "score": rating.score, "comment": rating.comment}
        return Response(body, status=status.HTTP_201_CREATED)


@extend_schema(tags=["surveys"])
class SurveyInvitationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The surveys the signed-in person was asked to answer."""

    serializer_class = SurveyInvitationSerializer
    queryset = SurveyInvitation.objects.none()  # schema typing only
    permission_classes = [IsAuthenticated]
    lookup_value_converter = "id"  # junk ids ("abc", "²", 20 digits) are a 404, not a 500

    def get_queryset(self):
        return selectors.survey_invitations_for(user=self.request.user)

    def get_object(self):
        return selectors.survey_invitation_get_for(
            user=self.request.user, invitation_id=self.kwargs["pk"]
        )

    def get_serializer_class(self):
        if self.action == "retrieve":
            return SurveyInvitationDetailSerializer
        return SurveyInvitationSerializer

    @extend_schema(summary="Surveys sent to me")
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(summary="One survey sent to me, with its questions")
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        summary="Answer a survey (once per period)",
        request=SurveySubmitSerializer,
        responses={201: SurveyInvitationSerializer},
    )
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        data = incoming(request, SurveySubmitSerializer)
        invitation = survey_answer_submit(
            actor=request.user, invitation=self.get_object(), answers=data["answers"]
        )
        return Response(SurveyInvitationSerializer(invitation).data, status=201)


@extend_schema(tags=["surveys"])
class SurveyAnswerViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    serializer_class = SurveyAnswerSerializer
    queryset = SurveyAnswer.objects.none()  # schema typing only
    permission_classes = [IsAuthenticated]

    def get_queryset(self):
        return selectors.survey_answers_for(user=self.request.user)

    @extend_schema(
        summary="Survey answers I may read (mine; my client's; the clients I serve)",
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)


@extend_schema(tags=["follow-ups"])
class FollowUpViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Service-recovery follow-ups of low ratings (provider staff only)."""

    serializer_class = FollowUpSerializer
    queryset = FollowUp.objects.none()  # schema typing only
    permission_classes = [IsProviderStaff]
    lookup_value_converter = "id"  # junk ids ("abc", "²", 20 digits) are a 404, not a 500

    def get_queryset(self):
        return selectors.follow_up_list_for(
            user=self.request.user, status=self.request.query_params.get("status")
        )

    def get_object(self):
        return selectors.follow_up_get_for(user=self.request.user, follow_up_id=self.kwargs["pk"])

    @extend_schema(
        summary="Follow-ups of low ratings",
        parameters=[OpenApiParameter("status", OpenApiTypes.STR, description="open or done")],
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(summary="One follow-up")
    def retrieve(self, request, *args, **kwargs):
        return super().retrieve(request, *args, **kwargs)

    @extend_schema(
        summary="Mark a follow-up done with a note of what was done",
        request=FollowUpDoneSerializer,
        responses={200: FollowUpSerializer},
    )
    @action(detail=True, methods=["post"])
    def done(self, request, pk=None):
        data = incoming(request, FollowUpDoneSerializer)
        follow_up = follow_up_done(
            actor=request.user, follow_up=self.get_object(), note=data["note"]
        )
        return Response(FollowUpSerializer(follow_up).data)
