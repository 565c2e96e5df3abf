"""itsm.widgets writes the same HTML as Django's widget templates, escaping included."""

import pytest
from django import forms
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from clients.models import Team
from itsm import widgets
from itsm.fields import RowChoiceField
from tests.factories import make_team

CHOICES = [
    ("", "—"),
    (1, 'a<b & "c"'),
    ("x\"'<", mark_safe("<em>safe</em>")),  # noqa: S308 - a label already HTML
    ("lazy", gettext_lazy("Status")),
    (7, 12345),
]
ATTRS = {"form": "ticket-update", "required": True, "disabled": False, "data-x": '"q"'}


def form_pair(field_class, widget_pair, **field_kwargs):
    """The same form twice: with Django's widget and with ours."""

    def make(widget):
        class TheForm(forms.Form):
            field = field_class(widget=widget(attrs=ATTRS), **field_kwargs)

        return TheForm

    return make(widget_pair[0]), make(widget_pair[1])


@pytest.mark.parametrize("value", [None, "", 1, "x\"'<", "lazy", "7", "missing"])
def test_select_matches_django(value):
    django_form, our_form = form_pair(
        forms.ChoiceField, (forms.Select, widgets.Select), choices=CHOICES, required=False
    )
    data = None if value is None else {"field": value}
    expected = str(django_form(data)["field"])
    assert str(our_form(data)["field"]) == expected
    assert "<option" in expected


@pytest.mark.parametrize("value", [None, "x\"'<", "lazy"])
def test_radio_buttons_match_django(value):
    django_form, our_form = form_pair(
        forms.ChoiceField, (forms.RadioSelect, widgets.RadioSelect), choices=CHOICES[1:]
    )
    data = None if value is None else {"field": value}
    theirs, ours = list(django_form(data)["field"]), list(our_form(data)["field"])
    assert [radio.tag() for radio in ours] == [radio.tag() for radio in theirs]
    assert [str(radio) for radio in ours] == [str(radio) for radio in theirs]
    assert str(our_form(data)["field"]) == str(django_form(data)["field"])


@pytest.mark.django_db
def test_row_choices_match_django():
    chosen = make_team(name="<Team> & co")
    make_team(name="Other")
    django_form, our_form = form_pair(
        RowChoiceField, (forms.Select, widgets.Select), queryset=Team.objects.order_by("name")
    )
    for data in (None, {"field": chosen.pk}):
        assert str(our_form(data)["field"]) == str(django_form(data)["field"])


def test_option_groups_are_left_to_django():
    grouped = [("Group <1>", [(1, "one"), (2, "two")]), (3, "three")]
    django_form, our_form = form_pair(
        forms.ChoiceField, (forms.Select, widgets.Select), choices=grouped
    )
    assert str(our_form({"field": 2})["field"]) == str(django_form({"field": 2})["field"])
