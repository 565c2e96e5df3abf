"""Ticket forms shared by the portal and the staff workspace."""

from django import forms
from django.utils.translation import gettext_lazy as _

from clients.models import ServiceCategory, Site
from itsm.fields import IdField, RowChoiceField
from itsm.forms import Form

from .models import Impact, Priority, Status, Urgency
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
    internal = forms.BooleanField(
        label=_("Internal note (not shown to the client)"), required=False
    )


class VersionedForm(Form):
    version = IdField(widget=forms.HiddenInput)


class StatusForm(VersionedForm):
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices)
    comment = forms.CharField(label=_("Comment"), required=False, max_length=2000)

    def __init__(self, *args, current: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if current is not None and not self.is_bound:
            # Offer only the moves the workflow allows (the service checks again on submit).
            allowed = {current, *ALLOWED_TRANSITIONS.get(current, ())}
            self.fields["status"].choices = [c for c in Status.choices if c[0] in allowed]


class PriorityForm(VersionedForm):
    priority = forms.TypedChoiceField(label=_("Priority"), choices=Priority.choices, coerce=int)


class CategoryForm(VersionedForm):
    category = RowChoiceField(
        label=_("Category"), queryset=ServiceCategory.objects.none(), required=False
    )

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories


class AssignForm(VersionedForm):
    assignee = RowChoiceField(label=_("Agent"), queryset=None, required=False)
    team = RowChoiceField(label=_("Team"), queryset=None, required=False)

    def __init__(self, *args, agents, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = agents
        self.fields["team"].queryset = teams


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
