"""The catalogue's part of the GraphQL Query."""

from __future__ import annotations

import graphene

from goldenthread.graphql.core.enums import Frequency, Polarity
from goldenthread.platform.core.licensing import ALWAYS, graphql_fields

from . import resolvers
from .types import CatalogueIndicator


class CatalogueQuery(graphene.ObjectType):
    catalogue_indicators = graphene.List(
        graphene.NonNull(CatalogueIndicator),
        required=True,
        description="National catalogue indicators in code order (NI 2 before NI 14), "
        "searched and filtered, one page at a time.",
        search=graphene.String(
            default_value="",
            description="Words or a code: every word must appear in the code, title, "
            "definition or theme; an exact code comes first.",
        ),
        first=graphene.Int(
            default_value=resolvers.DEFAULT_PAGE_SIZE,
            description=f"How many to return, 1 to {resolvers.MAX_PAGE_SIZE}.",
        ),
        offset=graphene.Int(default_value=0, description="How many to skip first."),
        theme=graphene.String(default_value="", description="Only this theme."),
        frequency=graphene.Argument(Frequency, description="Only this collection frequency."),
        polarity=graphene.Argument(Polarity, description="Only this polarity."),
        include_retired=graphene.Boolean(
            default_value=False, description="Include retired indicators."
        ),
    )
    catalogue_indicator = graphene.Field(
        CatalogueIndicator,
        description="One catalogue indicator by its code, retired or not; null if none.",
        code=graphene.String(required=True, description="The indicator's code, e.g. 'NI 14'."),
    )

    def resolve_catalogue_indicators(root, info, **arguments):
        return resolvers.resolve_catalogue_indicators(info, **arguments)

    def resolve_catalogue_indicator(root, info, code):
        return resolvers.resolve_catalogue_indicator(info, code=code)


# The national catalogue is platform reference data every organisation reads alike.
FIELD_MODULES = graphql_fields(CatalogueQuery, ALWAYS)
