"""Pages without COUNT(*): fetch one row more than a page to know whether another follows.

A count over a million-row table costs more than the page itself; lists show Previous/Next.
"""

from dataclasses import dataclass

from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import remove_query_param, replace_query_param

from .params import MAX_PAGE, parse_page


@dataclass
class Page:
    object_list: list
    number: int
    has_next: bool

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1


def page_of(queryset, raw_number, per_page: int = 50) -> Page:
    """Page `raw_number` (as the query string gave it; junk is page 1, huge ones are capped)."""
    number = parse_page(raw_number)
    if number > MAX_PAGE:
        return Page(object_list=[], number=number, has_next=False)
    start = (number - 1) * per_page
    rows = list(queryset[start : start + per_page + 1])
    return Page(object_list=rows[:per_page], number=number, has_next=len(rows) > per_page)


class NoCountPagination(BasePagination):
    """API pages: {"next", "previous", "results"} without a total count."""

    page_size = 50

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        self.page = page_of(queryset, request.query_params.get("page"), self.page_size)
        return self.page.object_list

    def get_paginated_response(self, data):
        url = self.request.build_absolute_uri()
        next_url = (
            replace_query_param(url, "page", self.page.number + 1) if self.page.has_next else None
        )
        previous_url = None
        if self.page.has_previous:
            previous_url = (
                remove_query_param(url, "page")
                if self.page.number == 2
                else replace_query_param(url, "page", self.page.number - 1)
            )
        return Response({"next": next_url, "previous": previous_url, "results": data})

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["results"],
            "properties": {
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "previous": {"type": "string", "nullable": True, "format": "uri"},
                "results": schema,
            },
        }
