"""The partnerships' part of the GraphQL Query."""

from __future__ import annotations

import graphene

from goldenthread.graphql.core.limits import register_list_size

from . import resolvers
from .types import CrossOrganisationRead, Partnership

# Expected sizes of lists without a `first` argument, for the complexity limit.
register_list_size("Partnership", "members", 20)
register_list_size("Partnership", "agreements", 10)
register_list_size("Partnership", "sharedIndicators", 40, argument="")
register_list_size("SharedIndicator", "figures", 8, argument="")
register_list_size("PartnershipFigure", "contributions", 15)
register_list_size("PartnershipFigure", "provenance", 15)
register_list_size("PartnershipFigure", "missingMembers", 15)
register_list_size("MemberContribution", "history", 3)
register_list_size("AgreementVersion", "parties", 15)
register_list_size("AgreementVersion", "acceptances", 15)
register_list_size("Query", "partnerships", 10)


class PartnershipsQuery(graphene.ObjectType):
    partnerships = graphene.List(
        graphene.NonNull(Partnership),
        required=True,
        description="Partnerships the requesting organisation is a member of, by name.",
    )
    partnership = graphene.Field(
        Partnership,
        id=graphene.ID(required=True),
        description="One partnership the requesting organisation is a member of; null if none.",
    )
    reads_of_our_data = graphene.List(
        graphene.NonNull(CrossOrganisationRead),
        required=True,
        first=graphene.Int(default_value=resolvers.DEFAULT_PAGE_SIZE),
        offset=graphene.Int(default_value=0),
        description="Other organisations' reads of this organisation's data through "
        "partnership agreements and benchmarking club consents, newest first.",
    )

    def resolve_partnerships(root, info):
        return resolvers.resolve_partnerships(info)

    def resolve_partnership(root, info, id):
        return resolvers.resolve_partnership(info, id=id)

    def resolve_reads_of_our_data(root, info, first, offset):
        return resolvers.resolve_reads_of_our_data(info, first=first, offset=offset)
