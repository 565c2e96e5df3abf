"""Template helpers of the dashboards: table cells and dict items with dashes in their keys."""

from django import template

register = template.Library()


@register.simple_tag
def cell(row: dict, key: str):
    value = row.get(key)
    return "—" if value is None or value == "" else value


@register.filter
def item(mapping: dict, key: str):
    return mapping.get(key)
