"""Forms of the satisfaction pages: validation only; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Question


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=_("Anything you want to tell us? (optional)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class FollowUpDoneForm(forms.Form):
    note = forms.CharField(
        label=_("What was done"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


def survey_form_fields(questions) -> dict:
    """One field per question, named q<id>; the service checks ranges and required answers."""
    fields = {}
    for question in questions:
        name = f"q{question.pk}"
        if question.kind == Question.Kind.TEXT:
            fields[name] = forms.CharField(
                label=question.text,
                required=False,
                max_length=4000,
                widget=forms.Textarea(attrs={"rows": 3}),
            )
        else:
            low, high = question.score_range
            fields[name] = forms.ChoiceField(
                label=question.text,
                required=False,
                choices=[(str(n), str(n)) for n in range(low, high + 1)],
                widget=forms.RadioSelect(attrs={"class": "scale"}),
            )
    return fields


class SurveyForm(forms.Form):
    def __init__(self, *args, questions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.questions = list(questions)
        self.fields.update(survey_form_fields(self.questions))

    def answers(self) -> dict:
        return {q.pk: self.cleaned_data.get(f"q{q.pk}", "") for q in self.questions}
