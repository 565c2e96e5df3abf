"""Satisfaction: per-resolution CSAT requests, service-recovery follow-ups, client surveys."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clients.models import Client
from tickets.models import Rating, Ticket

from .periods import period_label
from .querysets import (
    CsatRequestQuerySet,
    FollowUpQuerySet,
    SurveyAnswerQuerySet,
    SurveyInvitationQuerySet,
    SurveyRoundQuerySet,
)


class CsatRequest(models.Model):
    """The rating offered for one resolution of a ticket (emailed link and portal form).

    Its nonce is in the emailed link's signed token: a used or superseded row refuses the link.
    Sent vs answered rows are the CSAT response rate.
    """

    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="+", verbose_name=_("client")
    )
    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="+", verbose_name=_("ticket")
    )
    resolution = models.PositiveSmallIntegerField(_("resolution"))
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("requester"),
    )
    nonce = models.CharField(max_length=32, unique=True, editable=False, verbose_name=_("nonce"))
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    rating = models.OneToOneField(
        Rating,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("rating"),
    )

    objects = CsatRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("rating request")
        verbose_name_plural = _("rating requests")
        constraints = [
            models.UniqueConstraint(
                fields=["ticket", "resolution"],
                name="csat_request_once_per_resolution",
                violation_error_message=_("A rating request was already sent for this resolution."),
            )
        ]
        indexes = [models.Index(fields=["client", "sent_at"], name="csat_request_client_sent")]

    def __str__(self) -> str:
        return f"{self.ticket_id}#{self.resolution}"


class FollowUp(models.Model):
    """Service recovery after a low rating: the team lead calls back and notes what was done.

    Turning one into a complaint reuses `follow_up_complaint_seed` (services) for the prefill.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")

    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="+", verbose_name=_("client")
    )
    rating = models.OneToOneField(
        Rating, on_delete=models.CASCADE, related_name="follow_up", verbose_name=_("rating")
    )
    ticket = models.ForeignKey(
        Ticket, on_delete=models.CASCADE, related_name="+", verbose_name=_("ticket")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.OPEN)
    note = models.TextField(_("what was done"), blank=True, max_length=4000)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handled by"),
    )
    created_at = models.DateTimeField(_("opened"), default=timezone.now)
    handled_at = models.DateTimeField(_("done"), null=True, blank=True)
    # Set when the lead turned the low rating into a complaint (one per follow-up).
    complaint = models.OneToOneField(
        "complaints.Complaint",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("complaint"),
    )

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("service-recovery follow-up")
        verbose_name_plural = _("service-recovery follow-ups")
        indexes = [
            models.Index(fields=["client", "status", "created_at"], name="followup_client_status")
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id}: {self.get_status_display()}"


class Questionnaire(models.Model):
    """A client satisfaction survey the provider sends every `every_months` months."""

    class Every(models.IntegerChoices):
        MONTH = 1, _("monthly")
        QUARTER = 3, _("quarterly")
        HALF_YEAR = 6, _("every half year")
        YEAR = 12, _("yearly")

    title = models.CharField(_("title"), max_length=200)
    intro = models.TextField(_("introduction"), blank=True, max_length=4000)
    is_active = models.BooleanField(_("active"), default=True)
    every_months = models.PositiveSmallIntegerField(
        _("schedule"), choices=Every, default=Every.QUARTER
    )
    end_user_sample_size = models.PositiveSmallIntegerField(
        _("end users sampled per client"),
        default=0,
        help_text=_("Also survey this many randomly chosen end users of each client (0 = none)."),
    )
    reminder_after_days = models.PositiveSmallIntegerField(_("reminder after days"), default=7)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created"))

    class Meta:
        ordering = ["title"]
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    class Kind(models.TextChoices):
        SCALE = "scale", _("1-5 scale")
        RECOMMEND = "recommend", _("0-10 would you recommend us (NPS)")
        TEXT = "text", _("Free text")

    questionnaire = models.ForeignKey(
        Questionnaire,
        on_delete=models.CASCADE,
        related_name="questions",
        verbose_name=_("questionnaire"),
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind, default=Kind.SCALE)
    text = models.CharField(_("question"), max_length=500)
    required = models.BooleanField(_("required"), default=True)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self) -> str:
        return self.text

    @property
    def score_range(self) -> tuple[int, int] | None:
        return {self.Kind.SCALE: (1, 5), self.Kind.RECOMMEND: (0, 10)}.get(self.kind)


class SurveyRound(models.Model):
    """One questionnaire sent to one client for one period; its invitations are the sent count."""

    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="+", verbose_name=_("client")
    )
    questionnaire = models.ForeignKey(
        Questionnaire,
        on_delete=models.PROTECT,
        related_name="rounds",
        verbose_name=_("questionnaire"),
    )
    period_start = models.DateField(_("period"))
    period_end = models.DateField(_("period end"))
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)

    objects = SurveyRoundQuerySet.as_manager()

    class Meta:
        ordering = ["-period_start", "client_id"]
        verbose_name = _("survey round")
        verbose_name_plural = _("survey rounds")
        constraints = [
            models.UniqueConstraint(
                fields=["client", "questionnaire", "period_start"],
                name="survey_round_once",
                violation_error_message=_(
                    "This client already has a round of this survey for this period."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.questionnaire_id} {self.client_id} {self.period_start}"

    @property
    def period_label(self) -> str:
        return period_label(self.period_start, self.questionnaire.every_months)


class SurveyInvitation(models.Model):
    """One person asked to answer a round; answered once."""

    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="+", verbose_name=_("client")
    )
    round = models.ForeignKey(
        SurveyRound, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("round")
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="survey_invitations",
        verbose_name=_("person"),
    )
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    objects = SurveyInvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-sent_at", "-id"]
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")
        constraints = [
            models.UniqueConstraint(
                fields=["round", "person"],
                name="survey_invitation_once",
                violation_error_message=_("This person is already invited to this round."),
            )
        ]
        indexes = [
            models.Index(fields=["person", "sent_at"], name="survey_invitation_person"),
            models.Index(
                fields=["sent_at"],
                name="survey_invitation_unanswered",
                condition=models.Q(answered_at__isnull=True, reminded_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round_id} → {self.person_id}"


class SurveyAnswer(models.Model):
    client = models.ForeignKey(
        Client, on_delete=models.CASCADE, related_name="+", verbose_name=_("client")
    )
    invitation = models.ForeignKey(
        SurveyInvitation,
        on_delete=models.CASCADE,
        related_name="answers",
        verbose_name=_("invitation"),
    )
    question = models.ForeignKey(
        Question, on_delete=models.PROTECT, related_name="answers", verbose_name=_("question")
    )
    score = models.SmallIntegerField(
        _("score"), null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(10)]
    )
    text = models.TextField(_("answer"), blank=True, max_length=4000)

    objects = SurveyAnswerQuerySet.as_manager()

    class Meta:
        ordering = ["question__position", "question_id"]
        verbose_name = _("survey answer")
        verbose_name_plural = _("survey answers")
        constraints = [
            models.UniqueConstraint(
                fields=["invitation", "question"],
                name="survey_answer_once",
                violation_error_message=_("This question is already answered."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.invitation_id}/{self.question_id}"
