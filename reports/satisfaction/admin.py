"""Admins define questionnaires and their schedule here; results are read on the pages."""

from django.contrib import admin

from .models import (
    CsatRequest,
    FollowUp,
    Question,
    Questionnaire,
    SurveyAnswer,
    SurveyInvitation,
    SurveyRound,
)


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 3
    fields = ["position", "kind", "text", "required"]


@admin.register(Questionnaire)
class QuestionnaireAdmin(admin.ModelAdmin):
    list_display = ["title", "every_months", "end_user_sample_size", "is_active"]
    list_filter = ["is_active", "every_months"]
    fields = [
        "title",
        "intro",
        "every_months",
        "end_user_sample_size",
        "reminder_after_days",
        "is_active",
    ]
    inlines = [QuestionInline]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written by the services (ratings, answers, follow-ups): looked at, never edited."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(CsatRequest)
class CsatRequestAdmin(ReadOnlyAdmin):
    list_display = ["ticket", "resolution", "client", "sent_at", "answered_at"]
    list_select_related = ["ticket", "client"]
    search_fields = ["ticket__reference"]
    exclude = ["nonce"]


@admin.register(FollowUp)
class FollowUpAdmin(ReadOnlyAdmin):
    list_display = ["ticket", "client", "status", "handled_by", "created_at"]
    list_select_related = ["ticket", "client", "handled_by"]
    list_filter = ["status"]
    search_fields = ["ticket__reference", "note"]


@admin.register(SurveyRound)
class SurveyRoundAdmin(ReadOnlyAdmin):
    list_display = ["questionnaire", "client", "period_start", "sent_at"]
    list_select_related = ["questionnaire", "client"]
    search_fields = ["client__name"]


@admin.register(SurveyInvitation)
class SurveyInvitationAdmin(ReadOnlyAdmin):
    list_display = ["round", "person", "sent_at", "reminded_at", "answered_at"]
    list_select_related = ["round", "person"]
    search_fields = ["person__username"]


@admin.register(SurveyAnswer)
class SurveyAnswerAdmin(ReadOnlyAdmin):
    list_display = ["invitation", "question", "score", "text"]
    list_select_related = ["invitation", "question"]
    search_fields = ["text"]


@admin.register(Question)
class QuestionAdmin(admin.ModelAdmin):
    list_display = ["text", "questionnaire", "kind", "position", "required"]
    list_select_related = ["questionnaire"]
    list_filter = ["questionnaire", "kind"]
    search_fields = ["text"]
