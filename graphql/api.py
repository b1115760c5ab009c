"""The GraphQL schema: one Query composed from each domain's schema module."""

import graphene

from goldenthread.graphql.benchmarking import schema as benchmarking
from goldenthread.graphql.benchmarking.schema import BenchmarkingMutation, BenchmarkingQuery
from goldenthread.graphql.catalogue import schema as catalogue
from goldenthread.graphql.catalogue.schema import CatalogueQuery
from goldenthread.graphql.partnerships import schema as partnerships
from goldenthread.graphql.partnerships.schema import PartnershipsQuery


class Query(CatalogueQuery, PartnershipsQuery, BenchmarkingQuery, graphene.ObjectType):
    pass


class Mutation(BenchmarkingMutation, graphene.ObjectType):
    pass


schema = graphene.Schema(query=Query, mutation=Mutation)

# The module each root field needs (`core.licensing.ModuleMiddleware`); an area adds its own
# `FIELD_MODULES` here. A root field missing from it never answers (fail closed), and
# tests/platform/core/test_licensing.py fails for it.
FIELD_MODULES = {
    **catalogue.FIELD_MODULES,
    **partnerships.FIELD_MODULES,
    **benchmarking.FIELD_MODULES,
}
