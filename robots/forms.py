"""The robot form: URL and secret are write-only (blank on edit keeps the stored ones)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from clients.models import LANGUAGE_CHOICES
from itsm.forms import Form

from .models import EVENT_FIELDS, SETTINGS, RobotTarget, Vendor

EVENTS = list(EVENT_FIELDS.values())


class RobotTargetForm(Form):
    team = forms.ModelChoiceField(queryset=None, label=_("Team"))
    name = forms.CharField(label=_("Name"), max_length=100)
    vendor = forms.ChoiceField(label=_("Kind"), choices=Vendor.choices)
    url = forms.CharField(
        label=_("Webhook URL"),
        max_length=500,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_(
            "Copied from the robot's settings in the chat group. It is a credential: "
            "after saving only its beginning and end are shown."
        ),
    )
    secret = forms.CharField(
        label=_("Signing secret"),
        max_length=200,
        required=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text=_("DingTalk (SEC…) or Feishu, when the robot's signature check is on."),
    )
    clear_secret = forms.BooleanField(label=_("Remove the stored signing secret"), required=False)
    language = forms.ChoiceField(label=_("Language of the messages"), choices=LANGUAGE_CHOICES)
    on_urgent_ticket = forms.BooleanField(label=_("New P1/P2 tickets"), required=False)
    on_sla_warning = forms.BooleanField(label=_("SLA breach warnings"), required=False)
    on_sla_breach = forms.BooleanField(label=_("SLA breaches"), required=False)
    on_complaint = forms.BooleanField(label=_("Complaints (new or escalated)"), required=False)
    on_low_rating = forms.BooleanField(label=_("Low satisfaction ratings"), required=False)
    is_active = forms.BooleanField(label=_("Enabled: send messages to this robot"), required=False)

    def __init__(self, *args, teams, target: RobotTarget | None = None, **kwargs):
        if target is not None:
            kwargs.setdefault(
                "initial",
                {name: getattr(target, name) for name in SETTINGS},
            )
        else:
            kwargs.setdefault(
                "initial", {"language": "zh-hans", "is_active": True, **dict.fromkeys(EVENTS, True)}
            )
        super().__init__(*args, **kwargs)
        self.target = target
        if target is None:
            self.fields["team"].queryset = teams
            del self.fields["clear_secret"]
        else:
            del self.fields["team"], self.fields["vendor"]
            self.fields["url"].required = False
            self.fields["url"].help_text = _("Stored: %(hint)s. Leave empty to keep it.") % {
                "hint": target.url_hint
            }
            if target.secret:
                self.fields["secret"].help_text = _("A secret is stored. Leave empty to keep it.")
            else:
                del self.fields["clear_secret"]

    def main_fields(self):
        names = ["team", "name", "vendor", "url", "secret", "language"]
        return [self[name] for name in names if name in self.fields]

    def event_fields(self):
        return [self[name] for name in EVENTS]

    def settings(self) -> dict:
        data = self.cleaned_data
        return {name: data[name] for name in SETTINGS}
