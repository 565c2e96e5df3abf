"""Forms of the report pages: request a period, sign off, dispute, answer, correct."""

from datetime import date, timedelta

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from itsm.exceptions import ApplicationError
from itsm.forms import Form
from reports.dashboards.periods import add_months

COMMENT_MAX = 4000


class ReportRequestForm(Form):
    """A whole month (YYYY-MM) or a range of days."""

    month = forms.CharField(
        label=gettext_lazy("Month"),
        required=False,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"}),
    )
    start = forms.DateField(
        label=gettext_lazy("or first day"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    end = forms.DateField(
        label=gettext_lazy("last day"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    next_steps = forms.CharField(
        label=gettext_lazy("Next steps (shown in the report)"),
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        data = super().clean()
        try:
            data["start"], data["end"] = request_period(
                data.get("month"), data.get("start"), data.get("end")
            )
        except ApplicationError as exc:
            raise forms.ValidationError(exc.message) from None
        return data


def request_period(month: str | None, start: date | None, end: date | None) -> tuple[date, date]:
    """[first, last] day from a month "YYYY-MM", or from a first and a last day."""
    month = (month or "").strip()
    if month:
        try:
            year, number = (int(part) for part in month.split("-"))
            first = date(year, number, 1)
            # Inside the try: December 9999 has no following month.
            return first, add_months(first, 1) - timedelta(days=1)
        except ValueError:
            raise ApplicationError(
                _("“%(value)s” is not a month; use YYYY-MM.") % {"value": month[:20]}
            ) from None
    if not (start and end):
        raise ApplicationError(_("Choose a month, or both a first and a last day."))
    return start, end


class CommentForm(Form):
    comment = forms.CharField(
        label=gettext_lazy("Comment"),
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class RequiredCommentForm(Form):
    comment = forms.CharField(
        label=gettext_lazy("Comment"),
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CorrectionForm(Form):
    correction_note = forms.CharField(
        label=gettext_lazy("What the corrected version changes"),
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    next_steps = forms.CharField(
        label=gettext_lazy("Next steps (shown in the report)"),
        required=False,
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
