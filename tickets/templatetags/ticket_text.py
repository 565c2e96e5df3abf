"""Rendering user-written text: Markdown to HTML, then sanitised by nh3 (scripts made inert)."""

import threading

import markdown as md
import nh3
from django import template
from django.utils.safestring import mark_safe

register = template.Library()

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "h1",
    "h2",
    "h3",
    "h4",
    "a",
    "hr",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}


EXTENSIONS = ["fenced_code", "tables", "sane_lists", "nl2br"]
# Building a Markdown converter with its extensions cost ~0.5 ms, more than converting a
# ticket's text; each thread keeps one and resets it between texts (an instance is not safe to
# share between threads).
_converters = threading.local()


def render_markdown(text: str) -> str:
    converter = getattr(_converters, "markdown", None)
    if converter is None:
        converter = _converters.markdown = md.Markdown(extensions=EXTENSIONS)
    html = converter.reset().convert(text or "")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


@register.filter(name="markdown")
def markdown_filter(text: str) -> str:
    return mark_safe(render_markdown(text))  # noqa: S308 - nh3 output is sanitised HTML
