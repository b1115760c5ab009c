"""OpenAPI descriptions shared by the planning API views (drf-spectacular): the error body,
error responses by status, paginated list envelopes and the query parameters of lists.

Documentation only: nothing here changes what a view accepts or returns."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
)
from rest_framework import serializers

from goldenthread.platform.core.openapi import errors as core_errors
from goldenthread.platform.core.openapi import paginated as core_paginated

TAGS = ["planning"]


ERROR_MEANINGS = {
    400: "Refused: the message names the problem (invalid input or a business rule).",
    401: "Not signed in, or the API key is not valid for this organisation.",
    403: "The caller's role or ownership does not allow this (or their access has ended).",
    404: "No such item in this organisation.",
    409: "Refused because of the item's current state.",
}


def errors(*statuses: int) -> dict[int, OpenApiResponse]:
    """The error responses of a planning operation: the platform's one error body, with what
    each status means for planning's items."""
    return core_errors(*statuses, meanings=ERROR_MEANINGS)


READ = (401, 403)
ITEM = (401, 403, 404)
WRITE = (400, 401, 403, 404)


def paginated(output: type[serializers.Serializer], name: str) -> type[serializers.Serializer]:
    """The envelope `OrganisationApi.paginate` returns around a page of `output`."""
    return core_paginated(output, f"Paginated{name}List")


def query(name: str, type_=OpenApiTypes.STR, description: str = "", **kwargs) -> OpenApiParameter:
    return OpenApiParameter(
        name, type_, OpenApiParameter.QUERY, required=False, description=description, **kwargs
    )


PAGE = [
    query("page", OpenApiTypes.INT, "Page number, from 1."),
    query("page_size", OpenApiTypes.INT, "Items per page (default 50, at most 500)."),
]
