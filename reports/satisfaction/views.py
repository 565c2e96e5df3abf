"""Satisfaction pages: the one-click rating landing page (no sign-in), surveys, follow-ups."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, UserPassesTestMixin
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views import View

from itsm.exceptions import ApplicationError
from itsm.paging import page_of
from itsm.tenancy import Role
from reports.dashboards.satisfaction import csat_by_month_for

from . import selectors
from .csat import (
    RatingLinkError,
    csat_comment_by_token,
    csat_rate_by_token,
    csat_request_from_token,
)
from .forms import CommentForm, FollowUpDoneForm, SurveyForm
from .recovery import follow_up_complaint_open, follow_up_done
from .surveys import survey_answer_submit


def refused(request, exc: RatingLinkError):
    return render(
        request,
        "satisfaction/rating_refused.html",
        {"message": exc.message, "code": exc.code},
        status=exc.status_code,
    )


class RatingByTokenView(View):
    """An emailed 1-5 link: records the score at once, then offers the optional comment.

    No sign-in: the signed single-use token is the credential; it names one ticket only.
    """

    def head(self, request, *args, **kwargs):
        # Mail link checkers probe with HEAD: that must not cast a vote (Django maps HEAD to GET).
        return HttpResponse(status=200)

    def get(self, request, ticket_id, score, token):
        try:
            csat_rate_by_token(ticket_id=ticket_id, token=token, score=score)
        except RatingLinkError as exc:
            return refused(request, exc)
        return redirect("satisfaction:rating-comment", ticket_id=ticket_id, token=token)


class RatingCommentView(View):
    template_name = "satisfaction/rating_thanks.html"

    def load(self, ticket_id, token):
        request = csat_request_from_token(ticket_id=ticket_id, token=token)
        if request.rating is None:
            raise RatingLinkError(_("Choose a score first."), "not_rated")
        return request

    def render_page(self, csat_request, form, status=200, error=None):
        # Nobody is signed in here: speak the requester's language unless the visitor chose one.
        requester = csat_request.ticket.requester
        if settings.LANGUAGE_COOKIE_NAME not in self.request.COOKIES and requester.language:
            translation.activate(requester.language)
        context = {
            "ticket": csat_request.ticket,
            "rating": csat_request.rating,
            "form": form,
            "error": error,
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, ticket_id, token):
        try:
            csat_request = self.load(ticket_id, token)
        except RatingLinkError as exc:
            return refused(request, exc)
        return self.render_page(csat_request, CommentForm())

    def post(self, request, ticket_id, token):
        try:
            csat_request = self.load(ticket_id, token)
        except RatingLinkError as exc:
            return refused(request, exc)
        form = CommentForm(request.POST)
        if not form.is_valid():
            return self.render_page(csat_request, form, status=400)
        try:
            csat_comment_by_token(
                ticket_id=ticket_id, token=token, comment=form.cleaned_data["comment"]
            )
        except RatingLinkError as exc:
            return self.render_page(csat_request, form, status=exc.status_code, error=exc.message)
        csat_request.rating.refresh_from_db()
        return self.render_page(csat_request, None)


class StaffRequiredMixin(LoginRequiredMixin, UserPassesTestMixin):
    def test_func(self):
        return self.request.user.is_provider_staff


class ResultsViewerMixin(LoginRequiredMixin, UserPassesTestMixin):
    """Client managers (their client) and provider staff (the clients they serve)."""

    def test_func(self):
        user = self.request.user
        return user.is_provider_staff or user.role == Role.CLIENT_MANAGER


class SurveyListView(LoginRequiredMixin, View):
    """The surveys I was asked to answer."""

    def get(self, request):
        rows = selectors.survey_invitations_for(user=request.user)
        page = page_of(rows, request.GET.get("page"))
        return render(request, "satisfaction/survey_list.html", {"page": page})


class SurveyAnswerView(LoginRequiredMixin, View):
    template_name = "satisfaction/survey_answer.html"

    def render_page(self, invitation, form, status=200, error=None):
        context = {
            "invitation": invitation,
            "questionnaire": invitation.round.questionnaire,
            "form": form,
            "answers": selectors.survey_answers_for(user=self.request.user, invitation=invitation)
            if invitation.answered_at
            else (),
            "error": error,
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, invitation_id):
        invitation = selectors.survey_invitation_get_for(
            user=request.user, invitation_id=invitation_id
        )
        form = SurveyForm(questions=selectors.survey_questions(invitation))
        return self.render_page(invitation, form)

    def post(self, request, invitation_id):
        invitation = selectors.survey_invitation_get_for(
            user=request.user, invitation_id=invitation_id
        )
        form = SurveyForm(request.POST, questions=selectors.survey_questions(invitation))
        if not form.is_valid():
            return self.render_page(invitation, form, status=400)
        try:
            survey_answer_submit(actor=request.user, invitation=invitation, answers=form.answers())
        except ApplicationError as exc:
            return self.render_page(invitation, form, status=exc.status_code, error=exc.message)
        messages.success(request, _("Thank you for answering the survey."))
        return redirect("satisfaction:survey-answer", invitation_id=invitation.pk)


class SurveyResultsView(ResultsViewerMixin, View):
    """Past survey rounds with response rates and answers, and CSAT by month."""

    def get(self, request):
        user = request.user
        rounds = selectors.survey_rounds_for(user=user)
        page = page_of(rounds, request.GET.get("page"), per_page=20)
        context = {
            "page": page,
            "results": selectors.survey_results(page.object_list),
            "csat": csat_by_month_for(user=user),
        }
        return render(request, "satisfaction/survey_results.html", context)


def follow_up_page(request, *, error=None, status=200):
    current = request.GET.get("status", "open")
    rows = selectors.follow_up_list_for(user=request.user, status=current)
    page = page_of(rows, request.GET.get("page"))
    context = {"page": page, "current": current, "error": error}
    return render(request, "satisfaction/followup_list.html", context, status=status)


class FollowUpListView(StaffRequiredMixin, View):
    """Low ratings waiting for a call back, and what was done about them."""

    def get(self, request):
        return follow_up_page(request)


class FollowUpDoneView(StaffRequiredMixin, View):
    def post(self, request, follow_up_id):
        follow_up = selectors.follow_up_get_for(user=request.user, follow_up_id=follow_up_id)
        form = FollowUpDoneForm(request.POST)
        try:
            if not form.is_valid():
                raise ApplicationError(_("Write what was done before marking it done."))
            follow_up_done(actor=request.user, follow_up=follow_up, note=form.cleaned_data["note"])
        except ApplicationError as exc:
            return follow_up_page(request, error=exc.message, status=exc.status_code)
        messages.success(request, _("Follow-up marked done."))
        return redirect("satisfaction:followup-list")


class FollowUpComplaintView(StaffRequiredMixin, View):
    """One click: the low rating becomes a complaint, and the follow-up links to it."""

    def post(self, request, follow_up_id):
        follow_up = selectors.follow_up_get_for(user=request.user, follow_up_id=follow_up_id)
        try:
            complaint = follow_up_complaint_open(actor=request.user, follow_up=follow_up)
        except ApplicationError as exc:
            return follow_up_page(request, error=exc.message, status=exc.status_code)
        messages.success(
            request, _("Complaint %(reference)s opened.") % {"reference": complaint.reference}
        )
        return redirect("complaints:complaint-detail", complaint_id=complaint.pk)
