from django import forms

from .models import NotificationPreference

EMAIL_FIELDS = [
    "email_new_urgent",
    "email_new_other",
    "email_reply",
    "email_reopened",
    "email_assigned",
    "email_sla_warning",
]


class PreferenceForm(forms.ModelForm):
    class Meta:
        model = NotificationPreference
        fields = EMAIL_FIELDS
