"""Base form for every page: labels are bold blocks, so no ':' is appended (it doubled '？')."""

from django import forms
from django.utils.translation import ngettext_lazy


class Form(forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


# Django's own Chinese for its length errors reads "确保该变量包含不超过 200 字符" ("this
# variable"). Our catalogue (LOCALE_PATHS, consulted first) words them properly; naming the
# msgids here keeps `makemessages` from dropping those entries.
DJANGO_MESSAGES_REWORDED = (
    ngettext_lazy(
        "Ensure this value has at most %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at most %(limit_value)d characters (it has %(show_value)d).",
        "limit_value",
    ),
    ngettext_lazy(
        "Ensure this value has at least %(limit_value)d character (it has %(show_value)d).",
        "Ensure this value has at least %(limit_value)d characters (it has %(show_value)d).",
        "limit_value",
    ),
)
