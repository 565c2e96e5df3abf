"""The staff notice form: clients, sites and tiers, severity, validity, email."""

from django import forms
from django.utils.translation import gettext_lazy as _

from clients.models import Client, Site
from itsm.forms import Form
from sla.models import ServiceTier

from ..models import Severity
from . import selectors
from .services import TargetSpec

DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class SiteChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.client.name} · {obj.name}"


class NoticeForm(Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 6}))
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices)
    requires_ack = forms.BooleanField(
        label=_("Readers must confirm with “Got it” (outages always do)"), required=False
    )
    clients = forms.ModelMultipleChoiceField(label=_("Clients"), queryset=Client.objects.none())
    sites = SiteChoiceField(
        label=_("Sites"),
        queryset=Site.objects.none(),
        required=False,
        help_text=_(
            "Leave empty for every site. A client none of whose sites is chosen is addressed "
            "at all its sites."
        ),
    )
    tiers = forms.ModelMultipleChoiceField(
        label=_("Service tiers"),
        queryset=ServiceTier.objects.none(),
        required=False,
        help_text=_("Leave empty for every tier; otherwise only people served in these tiers."),
    )
    published_at = forms.DateTimeField(
        label=_("Valid from"), input_formats=DATETIME_FORMATS, widget=DateTimeInput()
    )
    expires_at = forms.DateTimeField(
        label=_("Valid until"),
        input_formats=DATETIME_FORMATS,
        widget=DateTimeInput(),
        required=False,
    )
    email_targets = forms.BooleanField(
        label=_("Also send it by email to the people addressed"), required=False
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["clients"].queryset = selectors.publishable_clients_for(user=user)
        self.fields["sites"].queryset = selectors.publishable_sites_for(user=user)
        self.fields["tiers"].queryset = selectors.service_tiers()
        for name in ("clients", "sites", "tiers"):
            self.fields[name].widget.attrs["size"] = 6

    def clean(self):
        data = super().clean()
        start, end = data.get("published_at"), data.get("expires_at")
        if start and end and end <= start:
            self.add_error("expires_at", _("A notice must end after it starts."))
        clients = data.get("clients") or []
        chosen = {c.pk for c in clients}
        if any(site.client_id not in chosen for site in data.get("sites") or []):
            self.add_error("sites", _("A chosen site belongs to a client that is not chosen."))
        return data

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        sites, tiers = list(data.pop("sites") or []), list(data.pop("tiers") or [])
        data["targets"] = [
            TargetSpec(
                client=client,
                sites=[s for s in sites if s.client_id == client.pk],
                tiers=tiers,
            )
            for client in data.pop("clients")
        ]
        return data

    @classmethod
    def initial_for(cls, summary) -> dict:
        notice = summary.notice
        return {
            "title": notice.title,
            "body": notice.body,
            "severity": notice.severity,
            "requires_ack": notice.requires_ack,
            "published_at": notice.published_at,
            "expires_at": notice.expires_at,
            "email_targets": notice.email_targets,
            "clients": [t.client_id for t in summary.targets],
            "sites": [s.pk for t in summary.targets for s in t.sites.all()],
            "tiers": sorted({tier.pk for t in summary.targets for tier in t.tiers.all()}),
        }
