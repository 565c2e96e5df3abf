"""Ticket forms shared by the portal and the staff workspace."""

from django import forms
from django.utils.translation import gettext_lazy as _

from clients.models import ServiceCategory, Site

from .models import Impact, Urgency


class TicketCreateForm(forms.Form):
    category = forms.ModelChoiceField(
        label=_("What is it about?"), queryset=ServiceCategory.objects.none(), required=False
    )
    subject = forms.CharField(label=_("Subject"), max_length=200)
    impact = forms.TypedChoiceField(
        label=_("Who is affected?"), choices=Impact.choices, coerce=int, initial=Impact.LOW
    )
    urgency = forms.TypedChoiceField(
        label=_("How urgent is it?"), choices=Urgency.choices, coerce=int, initial=Urgency.MEDIUM
    )
    site = forms.ModelChoiceField(label=_("Site"), queryset=Site.objects.none(), required=False)
    description = forms.CharField(
        label=_("Description"),
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=20000,
        help_text=_("Markdown is supported."),
    )

    def __init__(self, *args, user, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories
        self.fields["site"].queryset = Site.objects.visible_to(user).active()
        self.fields["site"].initial = user.site_id
