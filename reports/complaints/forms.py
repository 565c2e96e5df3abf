"""Complaint forms: one create form shaped by the role, and the action forms of the detail page."""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from itsm.tenancy import Role

from . import selectors
from .models import Category, Severity, Source


class ComplaintCreateForm(forms.Form):
    client = forms.ModelChoiceField(queryset=None, label=_("Client"))
    source = forms.ChoiceField(
        choices=Source.choices,
        label=_("Source"),
        help_text=_("Directly from a user (phone, in person) or passed on by the client."),
    )
    category = forms.ChoiceField(choices=Category.choices, label=_("Category"))
    severity = forms.ChoiceField(
        choices=Severity.choices, initial=Severity.NORMAL, label=_("Severity")
    )
    subject = forms.CharField(max_length=200, label=_("Subject"))
    description = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 6}), max_length=20000, label=_("Description")
    )
    ticket_refs = forms.CharField(
        required=False,
        max_length=500,
        label=_("Tickets concerned"),
        help_text=_("References such as HX-000012, separated by commas; may be empty."),
    )
    sites = forms.ModelMultipleChoiceField(
        queryset=None, required=False, label=_("Sites concerned")
    )
    people = forms.ModelMultipleChoiceField(
        queryset=None, required=False, label=_("End users concerned")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if user.is_provider_staff:
            self.fields["client"].queryset = selectors.clients_for(user=user)
            del self.fields["sites"], self.fields["people"]
        else:
            del self.fields["client"], self.fields["source"]
            if user.role == Role.CLIENT_MANAGER:
                self.fields["sites"].queryset = selectors.sites_for(
                    user=user, client_id=user.client_id
                )
                self.fields["people"].queryset = selectors.end_users_for(
                    user=user, client_id=user.client_id
                )
                self.fields["people"].label_from_instance = lambda person: person.display_name
            else:
                del self.fields["sites"], self.fields["people"]

    def clean_ticket_refs(self):
        tickets, unknown = selectors.tickets_by_references(
            user=self.user, text=self.cleaned_data.get("ticket_refs", "")
        )
        if unknown:
            raise forms.ValidationError(
                _("No ticket of yours has the reference %(refs)s.") % {"refs": ", ".join(unknown)}
            )
        self.tickets = tickets
        return self.cleaned_data.get("ticket_refs", "")

    def service_arguments(self) -> dict:
        data, user = self.cleaned_data, self.user
        if user.is_provider_staff:
            client, source = data["client"], data["source"]
        else:
            client = user.client
            source = Source.VIA_CLIENT if user.role == Role.CLIENT_MANAGER else Source.DIRECT
        return {
            "client": client,
            "source": source,
            "category": data["category"],
            "severity": data["severity"],
            "subject": data["subject"],
            "description": data["description"],
            "tickets": getattr(self, "tickets", []),
            "sites": list(data.get("sites") or []),
            "people": list(data.get("people") or []),
        }


class CommentForm(forms.Form):
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=20000,
        label=pgettext_lazy("complaint", "Comment"),
    )
    internal = forms.BooleanField(required=False, label=_("Internal note (provider staff only)"))


class StepForm(forms.Form):
    comment = forms.CharField(
        required=False, max_length=5000, label=_("Comment (shown to the client)")
    )


class ResolveForm(forms.Form):
    root_cause = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, label=_("Root cause")
    )
    corrective_action = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), max_length=5000, label=_("Corrective action")
    )
    comment = forms.CharField(
        required=False, max_length=5000, label=_("Comment (shown to the client)")
    )


class RejectForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        label=_("Why is the resolution not acceptable?"),
    )


class OwnerForm(forms.Form):
    owner = forms.ModelChoiceField(queryset=None, label=_("Owner"))

    def __init__(self, *args, handlers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = handlers
        self.fields["owner"].label_from_instance = lambda person: person.display_name
