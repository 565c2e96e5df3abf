"""Ticket forms shared by the portal and the staff workspace."""

from django import forms
from django.utils.translation import gettext_lazy as _

from clients.models import ServiceCategory, Site, Team, User
from itsm import widgets
from itsm.fields import IdField, RowChoiceField
from itsm.forms import Form

from .models import Impact, Priority, Status, TimeEntry, Urgency
from .workflow import ALLOWED_TRANSITIONS


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Zero or more files; each is checked by the attachment rules in the service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if not data:
            return []
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


class TicketCreateForm(Form):
    category = RowChoiceField(
        label=_("What is it about?"), queryset=ServiceCategory.objects.none(), required=False
    )
    subject = forms.CharField(label=_("Subject"), max_length=200)
    impact = forms.TypedChoiceField(
        label=_("Who is affected?"), choices=Impact.choices, coerce=int, initial=Impact.LOW
    )
    urgency = forms.TypedChoiceField(
        label=_("How urgent is it?"), choices=Urgency.choices, coerce=int, initial=Urgency.MEDIUM
    )
    site = RowChoiceField(label=_("Site"), queryset=Site.objects.none(), required=False)
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20000,
        help_text=_("Markdown is supported."),
    )
    files = MultipleFileField(label=_("Attachments"))

    def __init__(self, *args, user, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories
        self.fields["site"].queryset = Site.objects.visible_to(user).active()
        self.fields["site"].initial = user.site_id


class ReplyForm(Form):
    body = forms.CharField(
        label=_("Message"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=20000,
    )
    files = MultipleFileField(label=_("Attachments"))


class VersionedForm(Form):
    version = IdField(widget=forms.HiddenInput)


class ComposerMode:
    PUBLIC = "public"
    INTERNAL = "internal"
    CHOICES = [
        (PUBLIC, _("Reply to the user")),
        (INTERNAL, _("Internal note")),
    ]


class TicketActionForm(VersionedForm):
    """The workspace's one form: the action panel and the composer, submitted once."""

    FORM_ID = "ticket-update"

    mode = forms.ChoiceField(
        label=_("Write as"),
        choices=ComposerMode.CHOICES,
        initial=ComposerMode.PUBLIC,
        widget=widgets.RadioSelect,
    )
    body = forms.CharField(
        label=_("Message"),
        widget=forms.Textarea(attrs={"rows": 6}),
        required=False,
        max_length=20000,
    )
    files = MultipleFileField(label=_("Attachments"))
    minutes = forms.IntegerField(
        label=_("Time spent (minutes)"), required=False, min_value=0, max_value=24 * 60
    )
    time_kind = forms.ChoiceField(
        label=_("Where"),
        choices=TimeEntry.Kind.choices,
        initial=TimeEntry.Kind.REMOTE,
        widget=widgets.Select,
    )
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices, widget=widgets.Select)
    assignee = RowChoiceField(
        label=_("Agent"), queryset=None, required=False, widget=widgets.Select
    )
    team = RowChoiceField(label=_("Team"), queryset=None, required=False, widget=widgets.Select)
    priority = forms.TypedChoiceField(
        label=_("Priority"), choices=Priority.choices, coerce=int, widget=widgets.Select
    )
    category = RowChoiceField(
        label=_("Category"),
        queryset=ServiceCategory.objects.none(),
        required=False,
        widget=widgets.Select,
    )

    def __init__(
        self, *args, ticket, agents=None, teams=None, categories=None, shown=None, **kwargs
    ):
        """`agents`, `teams`, `categories` (querysets) validate what is sent; `shown`
        (queue_lists' ClientLists, cached) are what an unbound form offers, without a query.
        A form is given one or the other."""
        initial = {
            "version": ticket.version,
            "status": ticket.status,
            "assignee": ticket.assignee_id,
            "team": ticket.team_id,
            "priority": ticket.priority,
            "category": ticket.category_id,
            **kwargs.pop("initial", {}),
        }
        super().__init__(*args, initial=initial, **kwargs)
        # Without querysets (a form that only offers) nothing sent would be accepted.
        for name, rows, model in (
            ("assignee", agents, User),
            ("team", teams, Team),
            ("category", categories, ServiceCategory),
        ):
            self.fields[name].queryset = rows if rows is not None else model.objects.none()
        for name in ("assignee", "team", "category"):
            self.fields[name].empty_label = "—"
        if shown is not None:
            for name, offered in (
                ("assignee", shown.agents),
                ("team", shown.teams),
                ("category", shown.categories),
            ):
                field = self.fields[name]
                field.choices = [("", field.empty_label), *offered]
        # Offer only the moves the workflow allows (the service checks again on submit).
        allowed = {ticket.status, *ALLOWED_TRANSITIONS.get(ticket.status, ())}
        self.fields["status"].choices = [c for c in Status.choices if c[0] in allowed]
        # The composer and the side panel are far apart on the page but one HTML form.
        for field in self.fields.values():
            field.widget.attrs["form"] = self.FORM_ID

    @property
    def internal(self) -> bool:
        return self.cleaned_data.get("mode") == ComposerMode.INTERNAL


class ReasonForm(Form):
    """Why the requester withdraws, or what is still wrong when they reopen."""

    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class EditForm(VersionedForm):
    subject = forms.CharField(label=_("Subject"), max_length=200)
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 6}), max_length=20000
    )


RATING_CHOICES = [
    (5, _("5 · very satisfied")),
    (4, _("4 · satisfied")),
    (3, _("3 · neither")),
    (2, _("2 · dissatisfied")),
    (1, _("1 · very dissatisfied")),
]


class RatingForm(Form):
    score = forms.TypedChoiceField(
        label=_("How satisfied are you?"),
        choices=RATING_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class BulkForm(Form):
    action = forms.ChoiceField(choices=[("assign", "assign"), ("status", "status")])
    assignee = RowChoiceField(queryset=None, required=False)
    status = forms.ChoiceField(choices=[("", "—"), *Status.choices], required=False)

    def __init__(self, *args, agents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = agents
