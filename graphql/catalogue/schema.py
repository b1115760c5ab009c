import graphene
from graphene_django import DjangoObjectType

from goldenthread.shared_indicators.models import CatalogueIndicator
from goldenthread.shared_indicators.selectors import catalogue_indicator_list


class CatalogueIndicatorType(DjangoObjectType):
    class Meta:
        model = CatalogueIndicator
        fields = (
            "code",
            "title",
            "definition",
            "unit",
            "polarity",
            "frequency",
            "decimal_places",
            "version",
        )


class CatalogueQuery(graphene.ObjectType):
    catalogue_indicators = graphene.List(
        graphene.NonNull(CatalogueIndicatorType), search=graphene.String(default_value="")
    )

    def resolve_catalogue_indicators(root, info, search):
        return catalogue_indicator_list(search=search)
