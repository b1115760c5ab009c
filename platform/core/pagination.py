"""The one pagination of the REST API: `?page=` and `?page_size=`, answered as
`{"count", "next", "previous", "results"}`.

Page sizes belong to the list, not to the paginator: a view sets `page_size` and
`max_page_size` as class attributes (the defaults are on `OrganisationApi` and `PlatformApi`),
and the paginator reads them from the view it pages for.
"""

from __future__ import annotations

from rest_framework.pagination import PageNumberPagination

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
