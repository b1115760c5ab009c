"""Benchmarking's part of the GraphQL Query and Mutation."""

from __future__ import annotations

import graphene

from goldenthread.graphql.core.limits import (
    PeriodSelection,
    register_list_size,
    register_period_field,
)
from goldenthread.platform.core.errors import DomainError
from goldenthread.platform.core.licensing import graphql_fields
from goldenthread.shared_indicators.benchmarking import selectors
from goldenthread.tenants.models import Module

from . import resolvers
from .history import BenchmarkingClubEvent, resolve_club_history
from .mutations import (
    BenchmarkingClubCreate,
    BenchmarkingClubIndicatorAdd,
    BenchmarkingClubIndicatorRemove,
    BenchmarkingClubMemberAdd,
    BenchmarkingClubMemberRemove,
    BenchmarkingClubUpdate,
    BenchmarkingComparatorGroupCreate,
    BenchmarkingConsentGive,
    BenchmarkingConsentWithdraw,
)
from .types import BenchmarkingClub, BenchmarkingComparison


class BenchmarkingQuery(graphene.ObjectType):
    benchmarking_clubs = graphene.List(
        graphene.NonNull(BenchmarkingClub),
        required=True,
        description="The benchmarking clubs your organisation is a current member of, by "
        "name, one page at a time.",
        first=graphene.Int(
            default_value=resolvers.DEFAULT_PAGE_SIZE,
            description=f"How many to return, 1 to {resolvers.MAX_PAGE_SIZE}.",
        ),
        offset=graphene.Int(default_value=0, description="How many to skip first."),
    )
    benchmarking_club = graphene.Field(
        BenchmarkingClub,
        description="One of your organisation's clubs; null for any other id.",
        id=graphene.ID(required=True, description="The club's id."),
    )
    benchmarking_comparison = graphene.Field(
        BenchmarkingComparison,
        required=True,
        description="Compare an indicator across a club's members for some periods (all of "
        "the type the club compares it by). Figures are withheld for periods with fewer "
        "members with values than the club's minimum, and everything while the club's "
        "results are under embargo. Values for other period types are rolled up only when "
        "the club has a roll-up rule and every part is present; otherwise they are left out "
        "with a reason, never mixed.",
        club_id=graphene.ID(required=True, description="One of your clubs."),
        indicator_code=graphene.String(required=True, description="A code the club compares."),
        periods=graphene.List(
            graphene.NonNull(graphene.String),
            description="Period codes, e.g. ['2025/26 Q1']; or use firstPeriod and lastPeriod.",
        ),
        first_period=graphene.String(default_value="", description="First period of a range."),
        last_period=graphene.String(default_value="", description="Last period of a range."),
        group=graphene.String(
            default_value="",
            description="Also compare within a comparator group: authority_type, region, "
            "county_area, nearest_neighbours or custom:<id>.",
        ),
    )

    benchmarking_club_history = graphene.List(
        graphene.NonNull(BenchmarkingClubEvent),
        required=True,
        description="One page of a club's history, newest first: the club's own changes and "
        "those about your organisation; every change if your organisation runs the club. "
        "NOT_FOUND for a club your organisation is not a current member of.",
        club_id=graphene.ID(required=True, description="One of your clubs."),
        first=graphene.Int(
            default_value=resolvers.DEFAULT_PAGE_SIZE,
            description=f"How many to return, 1 to {resolvers.MAX_PAGE_SIZE}.",
        ),
        offset=graphene.Int(default_value=0, description="How many to skip first."),
    )

    def resolve_benchmarking_clubs(root, info, first, offset):
        return resolvers.resolve_clubs(info, first=first, offset=offset)

    def resolve_benchmarking_club(root, info, id):
        return resolvers.resolve_club(info, id=id)

    def resolve_benchmarking_club_history(root, info, club_id, first, offset):
        return resolve_club_history(info, club_id=club_id, first=first, offset=offset)

    def resolve_benchmarking_comparison(root, info, club_id, indicator_code, **arguments):
        return resolvers.resolve_comparison(
            info, club_id=club_id, indicator_code=indicator_code, **arguments
        )


class BenchmarkingMutation(graphene.ObjectType):
    benchmarking_club_create = BenchmarkingClubCreate.Field()
    benchmarking_club_update = BenchmarkingClubUpdate.Field()
    benchmarking_club_member_add = BenchmarkingClubMemberAdd.Field()
    benchmarking_club_member_remove = BenchmarkingClubMemberRemove.Field()
    benchmarking_club_indicator_add = BenchmarkingClubIndicatorAdd.Field()
    benchmarking_club_indicator_remove = BenchmarkingClubIndicatorRemove.Field()
    benchmarking_consent_give = BenchmarkingConsentGive.Field()
    benchmarking_consent_withdraw = BenchmarkingConsentWithdraw.Field()
    benchmarking_comparator_group_create = BenchmarkingComparatorGroupCreate.Field()


def _comparison_periods(arguments: dict) -> PeriodSelection:
    """The periods a comparison reads: the `periods` listed, or firstPeriod to lastPeriod.
    Invalid ones count as the most a comparison may read (the resolver refuses them)."""
    codes = tuple(arguments.get("periods") or ())
    first, last = arguments.get("first_period", ""), arguments.get("last_period", "")
    try:
        count = len(
            selectors.parse_periods(codes) if codes else selectors.period_range(first, last)
        )
    except DomainError:
        count = None
    # More than the most is refused by the resolver, having read nothing.
    bounded = None if count is None else min(count, selectors.MAX_PERIODS)
    return PeriodSelection(bounded, (codes, first, last))


def _register_list_sizes() -> None:
    """Tell the complexity limit how long benchmarking's lists can be: the paginated ones by
    their `first` (schema default: the page size), those of periods by the periods the
    comparison asks for, the others by their real bounds."""
    periods = selectors.MAX_PERIODS
    register_period_field("Query", "benchmarkingComparison", _comparison_periods)
    for type_name, field_name in (
        ("BenchmarkingComparison", "periods"),
        ("BenchmarkingGroupResult", "periods"),
        ("BenchmarkingMemberSeries", "points"),
    ):
        register_list_size(type_name, field_name, periods, argument="", per_period=True)
    register_list_size("BenchmarkingComparison", "timeSeries", resolvers.DEFAULT_PAGE_SIZE)
    register_list_size("BenchmarkingPeriodResult", "entries", resolvers.DEFAULT_PAGE_SIZE)
    # Exclusions arise only where members publish other periods than those compared.
    register_list_size("BenchmarkingPeriodResult", "exclusions", 20, argument="")
    register_list_size("BenchmarkingClub", "members", 50, argument="")
    register_list_size("BenchmarkingClub", "indicators", 20, argument="")
    register_list_size("BenchmarkingClub", "comparatorGroups", 8, argument="")
    register_list_size("BenchmarkingClubEvent", "changes", 5, argument="")


_register_list_sizes()

# Every root field here needs the benchmarking module (core.licensing).
FIELD_MODULES = {
    **graphql_fields(BenchmarkingQuery, Module.BENCHMARKING),
    **graphql_fields(BenchmarkingMutation, Module.BENCHMARKING),
}
