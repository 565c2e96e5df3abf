"""Drop-downs and radio buttons that write Django's own HTML for them in Python.

Django renders a <select> through three templates (the select, each option, each option's
attributes): the agent workspace's six drop-downs and its radio group cost ~1.3 ms per page
that way and ~0.1 ms as escaped strings. The HTML is byte for byte what Django's templates
write (tests/test_widgets.py compares both); anything else (option groups, a label wrapped
around a radio button) is left to the templates.
"""

from django import forms
from django.utils.formats import localize
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

SELECT_TEMPLATE = "django/forms/widgets/select.html"
OPTION_TEMPLATES = {
    "django/forms/widgets/radio_option.html",
    "django/forms/widgets/checkbox_option.html",
    "django/forms/widgets/input_option.html",
}


def attrs_html(attrs: dict) -> str:
    """django/forms/widgets/attrs.html: False leaves the attribute out, True writes its name."""
    return "".join(
        f" {conditional_escape(name)}"
        if value is True
        else f' {conditional_escape(name)}="{conditional_escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def shown(value) -> str:
    """A value as {{ value }} writes it (localised, escaped)."""
    value = localize(value)
    return conditional_escape(value if isinstance(value, str) else str(value))


def option_html(option: dict) -> str:
    return (
        f'<option value="{conditional_escape(option["value"])}"{attrs_html(option["attrs"])}>'
        f"{shown(option['label'])}</option>"
    )


def input_html(widget: dict) -> str:
    value = widget["value"]
    value_html = "" if value is None else f' value="{conditional_escape(value)}"'
    kind, name = conditional_escape(widget["type"]), conditional_escape(widget["name"])
    return f'<input type="{kind}" name="{name}"{value_html}{attrs_html(widget["attrs"])}>'


class PythonRenderedMixin:
    def _render(self, template_name, context, renderer=None):
        widget = context["widget"]
        if template_name == SELECT_TEMPLATE and not any(
            group for group, _options, _index in widget["optgroups"]
        ):
            options = "".join(
                f"\n  {option_html(option)}\n"
                for _group, options, _index in widget["optgroups"]
                for option in options
            )
            return mark_safe(  # noqa: S308 - every part above is escaped
                f'<select name="{conditional_escape(widget["name"])}"'
                f"{attrs_html(widget['attrs'])}>{options}\n</select>"
            )
        if template_name in OPTION_TEMPLATES and not widget.get("wrap_label"):
            return mark_safe(input_html(widget))  # noqa: S308 - escaped in input_html
        return super()._render(template_name, context, renderer)


class Select(PythonRenderedMixin, forms.Select):
    pass


class RadioSelect(PythonRenderedMixin, forms.RadioSelect):
    pass
