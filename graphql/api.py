"""The GraphQL schema: one Query composed from each domain's schema module."""

import graphene

from goldenthread.graphql.catalogue.schema import CatalogueQuery
from goldenthread.graphql.partnerships.schema import PartnershipsQuery


class Query(CatalogueQuery, PartnershipsQuery, graphene.ObjectType):
    pass


schema = graphene.Schema(query=Query)
