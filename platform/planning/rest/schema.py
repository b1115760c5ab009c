"""OpenAPI descriptions shared by the planning API views (drf-spectacular): the error body,
error responses by status, paginated list envelopes and the query parameters of lists.

Documentation only: nothing here changes what a view accepts or returns."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema_serializer,
    inline_serializer,
)
from rest_framework import serializers

TAGS = ["planning"]


@extend_schema_serializer(component_name="PlanningError")
class ErrorOutput(serializers.Serializer):
    """The one error body of the API (`core.api_errors`)."""

    message = serializers.CharField(help_text="What went wrong, in words to show a person.")
    code = serializers.CharField(
        help_text="A stable code: invalid, duplicate, not_found, permission_denied, conflict, "
        "upload_refused, not_authenticated…"
    )
    extra = serializers.DictField(
        help_text="Details, such as `fields` (the field errors) for an invalid request."
    )


ERROR_TEXT = {
    400: "Refused: the message names the problem (invalid input or a business rule).",
    401: "Not signed in, or the API key is not valid for this organisation.",
    403: "The caller's role or ownership does not allow this (or their access has ended).",
    404: "No such item in this organisation.",
    409: "Refused because of the item's current state.",
}


def errors(*statuses: int) -> dict[int, OpenApiResponse]:
    return {
        status: OpenApiResponse(ErrorOutput, description=ERROR_TEXT[status]) for status in statuses
    }


READ = (401, 403)
ITEM = (401, 403, 404)
WRITE = (400, 401, 403, 404)


def paginated(output: type[serializers.Serializer], name: str) -> serializers.Serializer:
    """The envelope `common.paginated` returns around a page of `output`."""
    return inline_serializer(
        name=f"Paginated{name}List",
        fields={
            "count": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": output(many=True),
        },
    )


def query(name: str, type_=OpenApiTypes.STR, description: str = "", **kwargs) -> OpenApiParameter:
    return OpenApiParameter(
        name, type_, OpenApiParameter.QUERY, required=False, description=description, **kwargs
    )


PAGE = [
    query("page", OpenApiTypes.INT, "Page number, from 1."),
    query("page_size", OpenApiTypes.INT, "Items per page (default 50, at most 500)."),
]
