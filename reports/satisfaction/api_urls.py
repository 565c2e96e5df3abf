from django.urls import path
from rest_framework.routers import SimpleRouter

from .api import FollowUpViewSet, RatingByTokenView, SurveyAnswerViewSet, SurveyInvitationViewSet

# Ids through the <id:> converter: junk and out-of-range ids never reach a view (404 JSON).
router = SimpleRouter(use_regex_path=False)
router.register("survey-invitations", SurveyInvitationViewSet, basename="survey-invitation")
router.register("survey-answers", SurveyAnswerViewSet, basename="survey-answer")
router.register("follow-ups", FollowUpViewSet, basename="follow-up")

urlpatterns = [
    path("ratings/by-token/", RatingByTokenView.as_view(), name="rating-by-token"),
    *router.urls,
]
