"""Resolvers for the catalogue: check the reader, then call the catalogue's selectors."""

from __future__ import annotations

from django.db import connection

from goldenthread.graphql.core.enums import enum_value
from goldenthread.graphql.core.errors import bad_input, forbidden
from goldenthread.graphql.core.selection import requested_subfields
from goldenthread.platform.core.errors import NotFound
from goldenthread.shared_indicators.models import CatalogueIndicator
from goldenthread.shared_indicators.permissions import can_read_catalogue
from goldenthread.shared_indicators.selectors import (
    catalogue_indicator_get,
    catalogue_indicator_list,
)

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


def _require_reader(info) -> None:
    if not can_read_catalogue(info.context.user, schema_name=connection.schema_name):
        raise forbidden("Only organisation users and platform staff may read the catalogue.")


def resolve_catalogue_indicators(
    info,
    *,
    search: str = "",
    first: int = DEFAULT_PAGE_SIZE,
    offset: int = 0,
    theme: str = "",
    frequency=None,
    polarity=None,
    include_retired: bool = False,
) -> list[CatalogueIndicator]:
    _require_reader(info)
    if not 1 <= first <= MAX_PAGE_SIZE:
        raise bad_input(f"first must be between 1 and {MAX_PAGE_SIZE}; it was {first}.")
    if offset < 0:
        raise bad_input(f"offset cannot be negative; it was {offset}.")
    indicators = catalogue_indicator_list(
        search=search or "",
        theme=theme or "",
        frequency=enum_value(frequency),
        polarity=enum_value(polarity),
        include_retired=include_retired,
    )
    if "versions" in requested_subfields(info):
        indicators = indicators.prefetch_related("versions")
    return list(indicators[offset : offset + first])


def resolve_catalogue_indicator(info, *, code: str) -> CatalogueIndicator | None:
    _require_reader(info)
    try:
        return catalogue_indicator_get(code=code)
    except NotFound:
        return None
