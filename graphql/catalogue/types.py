"""GraphQL types for the national indicator catalogue."""

from __future__ import annotations

import graphene

from goldenthread.graphql.core.enums import Frequency, Polarity


class CatalogueIndicatorVersion(graphene.ObjectType):
    class Meta:
        description = "A recorded definition of a catalogue indicator, kept for history."

    version = graphene.Int(required=True, description="The version number, from 1.")
    recorded_at = graphene.DateTime(required=True, description="When it was recorded.")
    source_file = graphene.String(
        required=True, description="The import file that recorded it, if any."
    )
    title = graphene.String(required=True, description="The title at this version.")
    definition = graphene.String(required=True, description="The definition at this version.")
    unit = graphene.String(required=True, description="The unit at this version.")
    polarity = graphene.Field(Polarity, required=True, description="Polarity at this version.")
    frequency = graphene.Field(
        Frequency, required=True, description="Collection frequency at this version."
    )
    decimal_places = graphene.Int(required=True, description="Decimal places at this version.")

    def resolve_title(root, info):
        return root.definition_snapshot.get("title", "")

    def resolve_definition(root, info):
        return root.definition_snapshot.get("definition", "")

    def resolve_unit(root, info):
        return root.definition_snapshot.get("unit", "")

    def resolve_polarity(root, info):
        return root.definition_snapshot.get("polarity")

    def resolve_frequency(root, info):
        return root.definition_snapshot.get("frequency")

    def resolve_decimal_places(root, info):
        return root.definition_snapshot.get("decimal_places")


class CatalogueIndicator(graphene.ObjectType):
    class Meta:
        description = (
            "A national indicator from the catalogue, the same for every organisation. "
            "Organisations adopt it by its stable code."
        )

    code = graphene.String(
        required=True, description="The stable national code, e.g. 'NI 14'. Never reused."
    )
    title = graphene.String(required=True, description="The indicator's title.")
    definition = graphene.String(
        required=True, description="How the indicator is defined and calculated."
    )
    unit = graphene.String(
        required=True, description="What a value counts, e.g. 'percentage' or 'number'."
    )
    polarity = graphene.Field(
        Polarity, required=True, description="Which direction of change is better."
    )
    frequency = graphene.Field(
        Frequency, required=True, description="How often values are collected."
    )
    decimal_places = graphene.Int(
        required=True, description="Decimal places that values are shown and compared at."
    )
    theme = graphene.String(required=True, description="The theme it belongs to, if any.")
    source = graphene.String(required=True, description="Who publishes the definition.")
    version = graphene.Int(
        required=True, description="The current version; it goes up when the definition changes."
    )
    valid_from = graphene.Date(description="The first day the indicator applies, if known.")
    valid_to = graphene.Date(description="The last day the indicator applies, if known.")
    retired = graphene.Boolean(
        required=True, description="True when the indicator is no longer collected."
    )
    versions = graphene.List(
        graphene.NonNull(CatalogueIndicatorVersion),
        required=True,
        description="The recorded versions, newest first.",
    )

    def resolve_versions(root, info):
        # Loaded by the parent resolver's prefetch when requested: no query per indicator.
        return root.versions.all()
