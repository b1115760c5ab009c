"""What the OpenAPI schema says alike for every area of the REST API: the one error body and
what each error status means, numbers as decimal strings, the envelope of a page, and a
drf-spectacular postprocessing hook (listed in SPECTACULAR_SETTINGS). Each area's `schema`
module describes its own shapes with these."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    """The one error body of the platform's APIs (`core.api_errors`)."""

    message = serializers.CharField(help_text="What was wrong, in words to show to a person.")
    code = serializers.CharField(
        help_text="A stable code, e.g. invalid, not_authenticated, permission_denied, "
        "not_found, conflict, locked, wrong_period_type, bulk_refused, upload_refused."
    )
    extra = serializers.DictField(
        help_text="Details: `fields` for invalid input, `errors` (index, message, code) for a "
        "refused bulk request, `problems` for a refused value."
    )


ERROR_MEANINGS = {
    400: "Refused: the input is invalid or a business rule says no.",
    401: "No valid credentials: sign in, or send `Authorization: Bearer <API key>`.",
    403: "Your role does not allow this.",
    404: "There is no such object in this organisation.",
    409: "The object is in the wrong state (locked, submitted, already done).",
}


def errors(*codes: int, meanings: dict[int, str] | None = None) -> dict[int, OpenApiResponse]:
    """The error responses of an operation, 401 always, each with the one error body; an area
    may say what a code means for its own objects (`meanings`)."""
    described = {**ERROR_MEANINGS, **(meanings or {})}
    return {
        code: OpenApiResponse(ErrorSerializer, description=described[code])
        for code in (401, *codes)
    }


def number(**kwargs) -> serializers.CharField:
    """Numbers travel as strings so that decimals stay exact."""
    kwargs.setdefault("help_text", "A decimal number, as a string.")
    return serializers.CharField(**kwargs)


def nullable_number(**kwargs) -> serializers.CharField:
    return number(allow_null=True, **kwargs)


def paginated(item: type[serializers.Serializer], name: str) -> type[serializers.Serializer]:
    """The component `name`: a page of `item`s, as `OrganisationApi.paginate` answers."""
    return type(
        name,
        (serializers.Serializer,),
        {
            "count": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": item(many=True),
        },
    )


ERROR = {"$ref": "#/components/schemas/Error"}


def document_invalid_pages(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Every paginated list answers 404 in the error body for a page that does not exist
    (DRF's page-number pagination: "Invalid page."), whatever its view documents."""
    for item in result.get("paths", {}).values():
        for operation in item.values():
            if not isinstance(operation, dict):
                continue
            names = {
                p.get("name") for p in operation.get("parameters", []) if p.get("in") == "query"
            }
            if "page" in names:
                operation.get("responses", {}).setdefault(
                    "404",
                    {
                        "content": {"application/json": {"schema": ERROR}},
                        "description": "No such page of the list, or no such item.",
                    },
                )
    return result


def document_throttling(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Every operation that takes credentials (it documents 401) spends the caller's API
    budgets (`core.throttling`) and may answer 429 with `Retry-After`."""
    for item in result.get("paths", {}).values():
        for operation in item.values():
            if not isinstance(operation, dict) or "401" not in operation.get("responses", {}):
                continue
            operation["responses"].setdefault(
                "429",
                {
                    "content": {"application/json": {"schema": ERROR}},
                    "headers": {
                        "Retry-After": {
                            "schema": {"type": "integer", "minimum": 1},
                            "description": "Seconds until the spent budget opens again.",
                        }
                    },
                    "description": "Too many requests from this API key or user: wait for "
                    "`Retry-After` seconds (code `throttled`).",
                },
            )
    return result
