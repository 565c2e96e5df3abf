"""`{{ ticket.sla_due_at|sla_due }}`: time left or overdue, with a warning/overdue CSS class."""

from django import template
from django.utils import timezone
from django.utils.html import format_html

from sla.selectors import time_left_label

register = template.Library()


@register.filter(name="sla_due")
def sla_due(due_at) -> str:
    label, css = time_left_label(due_at, timezone.now())
    if not label:
        return "—"
    return format_html(
        '<span class="sla-due {}" title="{}">{}</span>',
        css,
        timezone.localtime(due_at).strftime("%Y-%m-%d %H:%M"),
        label,
    )
