from django.urls import path

from . import views

app_name = "robots"

urlpatterns = [
    path("", views.RobotListView.as_view(), name="robot-list"),
    path("new/", views.RobotCreateView.as_view(), name="robot-new"),
    path("<id:target_id>/", views.RobotEditView.as_view(), name="robot-edit"),
    path("<id:target_id>/test/", views.RobotTestView.as_view(), name="robot-test"),
    path("<id:target_id>/toggle/", views.RobotToggleView.as_view(), name="robot-toggle"),
]
