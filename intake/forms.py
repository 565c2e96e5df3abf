from django import forms
from django.utils.translation import gettext_lazy as _

from itsm.params import clean_text


class AssignForm(forms.Form):
    requester = forms.CharField(
        label=_("Requester (email address or username)"),
        max_length=254,
        help_text=_("A person of a client you serve; the ticket is filed on their behalf."),
    )

    def clean_requester(self):
        return clean_text(self.cleaned_data["requester"], 254)
