"""Base form for every page: labels are bold blocks, so no ':' is appended (it doubled '？')."""

from django import forms


class Form(forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
