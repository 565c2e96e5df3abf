"""Form and API fields that read ids and versions through itsm.params, like URLs and filters.

Django's and DRF's own fields call int(), which accepts "١" (Arabic-Indic one) and True as 1;
here an id is ASCII digits within the signed 64-bit range, wherever it comes from.
"""

from django import forms
from django.core.exceptions import ValidationError
from rest_framework import serializers

from .params import MAX_ID, parse_id


class IdField(forms.IntegerField):
    """A positive id or version in a form."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        parsed = parse_id(value)
        if parsed is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return parsed


class RowChoiceField(forms.ModelChoiceField):
    """A row chosen by its id (a <select>); junk is an invalid choice, not a lookup."""

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if not isinstance(value, self.queryset.model) and parse_id(value) is None:
            raise ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        return super().to_python(value)


class ApiIdField(serializers.IntegerField):
    """A positive id or version in an API body (a JSON number or a string of ASCII digits)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", MAX_ID)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        parsed = parse_id(data)
        if parsed is None:
            self.fail("invalid")
        return parsed


class ApiRowField(serializers.PrimaryKeyRelatedField):
    """A row chosen by its id in an API body."""

    def to_internal_value(self, data):
        if parse_id(data) is None:
            self.fail("incorrect_type", data_type=type(data).__name__)
        return super().to_internal_value(data)
