"""The GraphQL schema: one Query composed from each domain's schema module."""

import graphene

from goldenthread.graphql.benchmarking.schema import BenchmarkingMutation, BenchmarkingQuery
from goldenthread.graphql.catalogue.schema import CatalogueQuery
from goldenthread.graphql.partnerships.schema import PartnershipsQuery


class Query(CatalogueQuery, PartnershipsQuery, BenchmarkingQuery, graphene.ObjectType):
    pass


class Mutation(BenchmarkingMutation, graphene.ObjectType):
    pass


schema = graphene.Schema(query=Query, mutation=Mutation)
