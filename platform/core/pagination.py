"""The one pagination of the REST API: `?page=` and `?page_size=`, answered as
`{"count", "next", "previous", "results"}`.

Page sizes belong to the list, not to the paginator: a view sets `page_size` and
`max_page_size` as class attributes (the defaults are on `OrganisationApi` and `PlatformApi`),
and the paginator reads them from the view it pages for.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.paginator import Page, Paginator
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

# fetch(offset, limit) -> (the rows of that slice, how many rows in all; None when the slice
# is empty and the total is therefore not known).
RowsWithTotal = Callable[[int, int], tuple[list[Any], int | None]]


class _KnownCount(Paginator):
    """A paginator told its count (read beside the page's rows) instead of asking for it."""

    def __init__(self, total: int, per_page: int):
        super().__init__([], per_page)
        self.__dict__["count"] = total  # the cached property, filled in


DEFAULT_PAGE_SIZE = 50
DEFAULT_MAX_PAGE_SIZE = 500


class Pagination(PageNumberPagination):
    page_size = DEFAULT_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = DEFAULT_MAX_PAGE_SIZE

    def paginate_queryset(self, queryset, request, view=None):
        if view is not None:
            self.page_size = getattr(view, "page_size", self.page_size)
            self.max_page_size = getattr(view, "max_page_size", self.max_page_size)
        return super().paginate_queryset(queryset, request, view=view)

    def page_with_total(
        self, fetch: RowsWithTotal, request, view=None
    ) -> tuple[list[Any], Callable[[Any], Response]] | None:
        """A page's rows and the count in ONE query (`fetch` reads `COUNT(*) OVER ()` beside the
        rows), where `paginate_queryset` runs a COUNT first. Returns (rows, a function of the
        page's data giving the same response as `get_paginated_response`), or None when the
        page asked for is not a plain number or lies past the end: `paginate_queryset` then
        answers it, refusals ("Invalid page.") included."""
        self.request = request
        if view is not None:
            self.page_size = getattr(view, "page_size", self.page_size)
            self.max_page_size = getattr(view, "max_page_size", self.max_page_size)
        page_size = self.get_page_size(request)
        raw = str(request.query_params.get(self.page_query_param) or 1)
        if not page_size or not raw.isdigit() or int(raw) < 1:
            return None
        number = int(raw)
        rows, total = fetch((number - 1) * page_size, page_size)
        if total is None and number > 1:
            return None
        self.page = Page(rows, number, _KnownCount(total or 0, page_size))
        return rows, self.get_paginated_response
