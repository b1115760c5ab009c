"""What the OpenAPI schema says of every operation alike (a drf-spectacular postprocessing
hook, listed in SPECTACULAR_SETTINGS)."""

from __future__ import annotations

from typing import Any

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
