from django.urls import path

from . import views

app_name = "satisfaction"

urlpatterns = [
    path(
        "rate/<id:ticket_id>/<int:score>/<str:token>/",
        views.RatingByTokenView.as_view(),
        name="rating-by-token",
    ),
    path(
        "rate/<id:ticket_id>/<str:token>/comment/",
        views.RatingCommentView.as_view(),
        name="rating-comment",
    ),
    path("surveys/", views.SurveyListView.as_view(), name="survey-list"),
    path("surveys/<id:invitation_id>/", views.SurveyAnswerView.as_view(), name="survey-answer"),
    path("results/", views.SurveyResultsView.as_view(), name="survey-results"),
    path("follow-ups/", views.FollowUpListView.as_view(), name="followup-list"),
    path(
        "follow-ups/<id:follow_up_id>/done/",
        views.FollowUpDoneView.as_view(),
        name="followup-done",
    ),
    path(
        "follow-ups/<id:follow_up_id>/complaint/",
        views.FollowUpComplaintView.as_view(),
        name="followup-complaint",
    ),
]
