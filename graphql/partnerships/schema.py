"""The partnerships' part of the GraphQL Query."""

from __future__ import annotations

import graphene

from goldenthread.graphql.core.limits import (
    PeriodSelection,
    register_list_size,
    register_period_field,
)
from goldenthread.partnerships.domain.periods import MAX_DASHBOARD_PERIODS
from goldenthread.platform.core.licensing import graphql_fields
from goldenthread.tenants.models import Module

from . import resolvers
from .types import CrossOrganisationRead, Partnership


def _dashboard_periods(arguments: dict) -> PeriodSelection:
    """`sharedIndicators` shows `periodCodes` if given, else the `periods` recent periods
    ending by `asOf`: one dashboard read (and read-log row) per distinct selection."""
    codes = arguments.get("period_codes")
    count = len(codes) if codes else arguments.get("periods")
    key = (arguments.get("periods"), tuple(codes or ()), arguments.get("as_of"))
    if not isinstance(count, int):
        return PeriodSelection(None, key)
    # More than the most is refused by the resolver, having read nothing.
    return PeriodSelection(min(count, MAX_DASHBOARD_PERIODS), key)


# Expected sizes of lists without a `first` argument, for the complexity limit: an
# organisation is in a handful of partnerships (a local strategic partnership, community
# safety, health and wellbeing), each reporting up to ~35 indicators (an LAA's designated
# targets); figures follow the periods the query asks for.
register_period_field("Partnership", "sharedIndicators", _dashboard_periods)
register_list_size("Query", "partnerships", 5)
register_list_size("Partnership", "members", 20)
register_list_size("Partnership", "agreements", 10)
register_list_size("Partnership", "sharedIndicators", 35, argument="")
register_list_size(
    "SharedIndicator", "figures", MAX_DASHBOARD_PERIODS, argument="", per_period=True
)
register_list_size("PartnershipFigure", "contributions", 15)
register_list_size("PartnershipFigure", "provenance", 15)
register_list_size("PartnershipFigure", "missingMembers", 15)
register_list_size("MemberContribution", "history", 3)
register_list_size("AgreementVersion", "parties", 15)
register_list_size("AgreementVersion", "acceptances", 15)


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


FIELD_MODULES = graphql_fields(PartnershipsQuery, Module.PARTNERSHIPS)
