from django.urls import path

from . import views

app_name = "notices"

urlpatterns = [
    path("notices/", views.NoticeListView.as_view(), name="notice-list"),
    path("notices/new/", views.NoticeCreateView.as_view(), name="notice-create"),
    path("notices/<id:notice_id>/", views.NoticeDetailView.as_view(), name="notice-detail"),
    path("notices/<id:notice_id>/edit/", views.NoticeEditView.as_view(), name="notice-edit"),
    path(
        "notices/<id:notice_id>/withdraw/",
        views.NoticeWithdrawView.as_view(),
        name="notice-withdraw",
    ),
    path(
        "notices/<id:notice_id>/acknowledge/",
        views.NoticeAcknowledgeView.as_view(),
        name="notice-acknowledge",
    ),
    path(
        "notices/<id:notice_id>/receipts/",
        views.NoticeReceiptListView.as_view(),
        name="notice-receipts",
    ),
]
