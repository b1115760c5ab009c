"""The GraphQL schema: one Query composed from each domain's schema module."""

import graphene

from goldenthread.graphql.catalogue.schema import CatalogueQuery


class Query(CatalogueQuery, graphene.ObjectType):
    pass


schema = graphene.Schema(query=Query)
