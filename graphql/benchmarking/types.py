"""GraphQL types for benchmarking.

Security-relevant: no type here carries another member's organisation id, slug or (in an
anonymised club) name. Comparison types are built from the benchmarking domain's result
objects, which hold display labels only; club types expose other members only through
`BenchmarkingClubMember`, whose `name` is the anonymous label in an anonymised club.
"""

from __future__ import annotations

import graphene
from django.utils import timezone

from goldenthread.graphql.core.enums import Frequency, Polarity
from goldenthread.graphql.core.insight import (
    Figure,
    SpcSummary,
    YearEndForecast,
    forecast_of,
    spc_of,
)
from goldenthread.platform.indicators.domain.choices import default_rollup_rule

from . import dataloaders
from .resolvers import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, check_page, page_of, reader_of


class BenchmarkingPeriod(graphene.ObjectType):
    class Meta:
        description = "A reporting period (see the period codes in the API documentation)."

    code = graphene.String(required=True, description="The period's code, e.g. '2025/26 Q1'.")
    label = graphene.String(required=True, description="e.g. 'Q1 2025/26 (Apr–Jun 2025)'.")
    start = graphene.Date(required=True, description="Its first day.")
    end = graphene.Date(required=True, description="Its last day.")


class BenchmarkingSummary(graphene.ObjectType):
    class Meta:
        description = (
            "Summary figures over the members with a comparable value. Median and mean carry "
            "one more decimal place than the indicator."
        )

    count = graphene.Int(required=True, description="Members with a comparable value.")
    median = graphene.Decimal(required=True, description="The median value.")
    mean = graphene.Decimal(required=True, description="The mean value.")
    minimum = graphene.Decimal(required=True, description="The lowest value.")
    maximum = graphene.Decimal(required=True, description="The highest value.")


class BenchmarkingEntry(graphene.ObjectType):
    class Meta:
        description = (
            "One member's place in a period. In an anonymised club every member but you is "
            "'Authority A', 'Authority B', …, stable within the comparison."
        )

    label = graphene.String(
        required=True, description="Your organisation's name, or the member's label."
    )
    is_you = graphene.Boolean(required=True, description="True for your own organisation.")
    value = graphene.Decimal(
        required=True, description="The value, at the indicator's decimal places."
    )
    rank = graphene.Int(
        description="1 = best by the indicator's polarity; ties share the best rank "
        "(1, 2, 2, 4). Null for an indicator without polarity."
    )
    quartile = graphene.Int(
        description="1 (best quarter) to 4: floor(4 x (rank - 1) / count) + 1, so ties share "
        "a quartile. Null for an indicator without polarity."
    )
    distance_from_median = graphene.Decimal(
        required=True, description="value - median (negative: below the median)."
    )
    side_of_median = graphene.String(
        required=True,
        description="'better', 'worse' or 'level' (for an indicator without polarity: "
        "'above', 'below' or 'level').",
    )
    derived_from = graphene.String(
        required=True,
        description="Empty when published for the period itself; otherwise how it was rolled "
        "up, e.g. '3 months, summed'.",
    )


class BenchmarkingExclusion(graphene.ObjectType):
    class Meta:
        description = "A member's value left out of a period, and why (never mixed in)."

    label = graphene.String(required=True, description="Your name or the member's label.")
    is_you = graphene.Boolean(required=True, description="True for your own organisation.")
    reason = graphene.String(required=True, description="Why it was left out.")


class BenchmarkingPeriodResult(graphene.ObjectType):
    class Meta:
        description = (
            "The comparison for one period. When `shown` is false nothing else is given: "
            "too few members have values, so no figure, count or label is disclosed."
        )

    period = graphene.Field(BenchmarkingPeriod, required=True, description="The period.")
    shown = graphene.Boolean(required=True, description="False when the figures are withheld.")
    hidden_reason = graphene.String(
        required=True, description="Why the figures are withheld; empty when shown."
    )
    summary = graphene.Field(BenchmarkingSummary, description="Null when withheld.")
    you = graphene.Field(
        BenchmarkingEntry, description="Where your organisation sits; null if it has no value."
    )
    mine = graphene.Field(
        BenchmarkingEntry,
        description="Your organisation's own entry, whichever page of `entries` is asked for "
        "(the same as `you`); null if it has no value.",
    )
    entries = graphene.List(
        graphene.NonNull(BenchmarkingEntry),
        required=True,
        description="One page of the members by rank (best first), then by label; empty when "
        "withheld, and for a comparator group of an anonymised club. `summary.count` is the "
        "number of entries in all pages.",
        first=graphene.Int(
            default_value=DEFAULT_PAGE_SIZE, description=f"How many, 1 to {MAX_PAGE_SIZE}."
        ),
        offset=graphene.Int(default_value=0, description="How many to skip first."),
    )
    exclusions = graphene.List(
        graphene.NonNull(BenchmarkingExclusion),
        required=True,
        description="Values left out of this period and why.",
    )

    def resolve_mine(root, info):
        return root.you

    def resolve_entries(root, info, first, offset):
        check_page(first, offset)
        return page_of(root.entries, root.entries_offset, first=first, offset=offset)


class BenchmarkingSeriesPoint(graphene.ObjectType):
    class Meta:
        description = "One member's value in one shown period, with the club median."

    period = graphene.Field(BenchmarkingPeriod, required=True, description="The period.")
    value = graphene.Decimal(description="The member's value; null if it had none.")
    club_median = graphene.Decimal(required=True, description="The club's median.")


class BenchmarkingMemberSeries(graphene.ObjectType):
    class Meta:
        description = "A member's values over the comparison's shown periods (you first)."

    label = graphene.String(required=True, description="Your name or the member's label.")
    is_you = graphene.Boolean(required=True, description="True for your own organisation.")
    points = graphene.List(
        graphene.NonNull(BenchmarkingSeriesPoint), required=True, description="By period."
    )
    spc = graphene.Field(
        SpcSummary,
        required=True,
        description="The SPC chart of this series' values (shown periods with a value).",
    )
    forecast = graphene.Field(
        YearEndForecast,
        required=True,
        annual_target=graphene.Decimal(description="A year's target, for the chance of it."),
        description="The year-end forecast of the latest value's year, from this series.",
    )

    def resolve_spc(root, info):
        return spc_of(_figures(root), polarity=root.polarity)

    def resolve_forecast(root, info, annual_target=None):
        return forecast_of(
            _figures(root), rule=root.rollup, polarity=root.polarity, annual_target=annual_target
        )


class SeriesWithRules:
    """A member's series with what its SPC and forecast need of the compared indicator (its
    polarity, and how its periods add up to a year); everything else is the series'."""

    def __init__(self, series, *, polarity: str, rollup: str) -> None:
        self._series, self.polarity, self.rollup = series, polarity, rollup

    def __getattr__(self, name):
        return getattr(self._series, name)


def _figures(series) -> list[Figure]:
    return [Figure(point.period, point.value) for point in series.points]


def _rollup_of(club_indicator) -> str:
    """The club's roll-up rule where it has one, else the catalogue unit's usual one."""
    if club_indicator.rollup_rule:
        return club_indicator.rollup_rule
    unit = club_indicator.catalogue_indicator.unit
    return str(default_rollup_rule(is_calculated=False, unit_kind=unit))


class BenchmarkingGroupResult(graphene.ObjectType):
    class Meta:
        description = (
            "The comparison within a comparator group. In an anonymised club only the summary "
            "and your own place are given, and a period is shown only when the group and the "
            "rest of the club each have the minimum number of members with values."
        )

    key = graphene.String(required=True, description="The group asked for.")
    name = graphene.String(required=True, description="The group's name.")
    lists_members = graphene.Boolean(
        required=True, description="Whether `entries` lists the group's members."
    )
    periods = graphene.List(
        graphene.NonNull(BenchmarkingPeriodResult), required=True, description="By period."
    )


class BenchmarkingIndicator(graphene.ObjectType):
    class Meta:
        description = "A catalogue indicator a club compares, and how periods are matched."

    code = graphene.String(required=True, description="The catalogue code.")
    title = graphene.String(required=True, description="The catalogue title.")
    unit = graphene.String(required=True, description="The catalogue unit.")
    polarity = graphene.Field(Polarity, required=True, description="Which direction is better.")
    frequency = graphene.Field(Frequency, required=True, description="Catalogue frequency.")
    decimal_places = graphene.Int(required=True, description="Places values are compared at.")
    comparison_period_type = graphene.String(
        required=True, description="The period type members are compared by, e.g. 'quarter'."
    )
    rollup_rule = graphene.String(
        required=True,
        description="How shorter periods are rolled up (sum, average, last, recompute); "
        "empty when the club has set none, so shorter periods are left out.",
    )
    you_consent = graphene.Boolean(
        required=True, description="Whether your organisation consents to compare it here."
    )

    def resolve_code(root, info):
        return root.catalogue_indicator.code

    def resolve_title(root, info):
        return root.catalogue_indicator.title

    def resolve_unit(root, info):
        return root.catalogue_indicator.unit

    def resolve_polarity(root, info):
        return root.catalogue_indicator.polarity

    def resolve_frequency(root, info):
        return root.catalogue_indicator.frequency

    def resolve_decimal_places(root, info):
        return root.catalogue_indicator.decimal_places

    def resolve_you_consent(root, info):
        consents = dataloaders.ClubConsentsByClubIdLoader.for_request(info).load(root.club_id)
        return root.id in consents


class BenchmarkingClubMember(graphene.ObjectType):
    class Meta:
        description = (
            "A member as you may see it: in an anonymised club only your own organisation is "
            "listed, unless your organisation runs the club (see `memberCount`)."
        )

    name = graphene.String(required=True, description="The member's name.")
    is_you = graphene.Boolean(required=True, description="True for your own organisation.")


class BenchmarkingComparatorGroup(graphene.ObjectType):
    class Meta:
        description = "A comparator group you can ask a comparison for."

    key = graphene.String(
        required=True,
        description="Pass as `group`: authority_type, region, county_area, "
        "nearest_neighbours or custom:<id>.",
    )
    name = graphene.String(required=True, description="What the group is.")
    available = graphene.Boolean(required=True, description="Whether it applies to you.")
    reason = graphene.String(required=True, description="Why it does not apply, if it does not.")


class BenchmarkingClub(graphene.ObjectType):
    class Meta:
        description = "A benchmarking club your organisation is a member of."

    id = graphene.ID(required=True, description="The club's id.")
    name = graphene.String(required=True, description="The club's name.")
    description = graphene.String(required=True, description="What the club is for.")
    administered_by = graphene.String(
        required=True, description="The organisation that runs the club."
    )
    you_administer = graphene.Boolean(
        required=True, description="Whether your organisation runs the club."
    )
    anonymised = graphene.Boolean(
        required=True, description="Whether other members are shown as 'Authority A, B, …'."
    )
    minimum_members_with_data = graphene.Int(
        required=True, description="Members with a value needed before any figure is shown."
    )
    embargo_until = graphene.Date(description="Results are hidden before this date.")
    is_embargoed = graphene.Boolean(required=True, description="Whether results are hidden now.")
    member_count = graphene.Int(required=True, description="How many current members it has.")
    consents_ended_by_naming = graphene.Int(
        description="For the organisation that runs an anonymised club: how many active "
        "consents were given under anonymity, which naming the members would end. Null "
        "otherwise."
    )
    members = graphene.List(
        graphene.NonNull(BenchmarkingClubMember),
        required=True,
        description="Members by name (in an anonymised club only yourself, unless your "
        "organisation runs it).",
    )
    indicators = graphene.List(
        graphene.NonNull(BenchmarkingIndicator),
        required=True,
        description="The indicators compared, by code.",
    )
    comparator_groups = graphene.List(
        graphene.NonNull(BenchmarkingComparatorGroup),
        required=True,
        description="Groups you can be compared within.",
    )

    def resolve_administered_by(root, info):
        return root.administering_organisation.name

    def resolve_you_administer(root, info):
        return root.administering_organisation_id == reader_of(info).id

    def resolve_is_embargoed(root, info):
        return root.is_embargoed(timezone.localdate())

    def resolve_member_count(root, info):
        return len(dataloaders.ClubMembershipsByClubIdLoader.for_request(info).load(root.id))

    def resolve_consents_ended_by_naming(root, info):
        if not root.anonymised or root.administering_organisation_id != reader_of(info).id:
            return None
        return dataloaders.ConsentsUnderAnonymityByClubIdLoader.for_request(info).load(root.id)

    def resolve_members(root, info):
        from goldenthread.shared_indicators.benchmarking.selectors import club_members_visible_to

        members = dataloaders.ClubMembershipsByClubIdLoader.for_request(info).load(root.id)
        return club_members_visible_to(
            club=root, reader=reader_of(info), members=[(m["id"], m["name"]) for m in members]
        )

    def resolve_indicators(root, info):
        return dataloaders.ClubIndicatorsByClubIdLoader.for_request(info).load(root.id)

    def resolve_comparator_groups(root, info):
        from goldenthread.shared_indicators.benchmarking.domain.groups import MemberInfo
        from goldenthread.shared_indicators.benchmarking.selectors import group_choices

        reader = reader_of(info)
        rows = dataloaders.ClubMembershipsByClubIdLoader.for_request(info).load(root.id)
        members = {m["id"]: MemberInfo(**m) for m in rows}
        if reader.id not in members:
            return []
        neighbours = dataloaders.NearestNeighbourIdsByOrganisationIdLoader.for_request(info).load(
            reader.id
        )
        custom = dataloaders.ComparatorGroupsByClubIdLoader.for_request(info).load(root.id)
        return group_choices(
            club=root,
            viewer=members[reader.id],
            members=members,
            neighbour_ids=neighbours,
            custom=custom,
        )


class BenchmarkingComparison(graphene.ObjectType):
    class Meta:
        description = (
            "An indicator compared across a club's members over one or more periods of one "
            "type, with the club's disclosure rules applied on the server."
        )

    club = graphene.Field(BenchmarkingClub, required=True, description="The club.")
    indicator = graphene.Field(BenchmarkingIndicator, required=True, description="The indicator.")
    embargoed = graphene.Boolean(
        required=True, description="True while results are under embargo: nothing else is given."
    )
    periods = graphene.List(
        graphene.NonNull(BenchmarkingPeriodResult),
        required=True,
        description="One result per period asked for, in date order.",
    )
    time_series = graphene.List(
        graphene.NonNull(BenchmarkingMemberSeries),
        required=True,
        description="One page of each member's values over the shown periods: you first, "
        "then by label.",
        first=graphene.Int(
            default_value=DEFAULT_PAGE_SIZE, description=f"How many, 1 to {MAX_PAGE_SIZE}."
        ),
        offset=graphene.Int(default_value=0, description="How many to skip first."),
    )
    group = graphene.Field(
        BenchmarkingGroupResult, description="The comparator group asked for, if any."
    )

    def resolve_indicator(root, info):
        return root.club_indicator

    def resolve_periods(root, info):
        if root.comparison is None:
            return [_withheld(period) for period in root.periods]
        return root.comparison.periods

    def resolve_time_series(root, info, first, offset):
        check_page(first, offset)
        if root.comparison is None:
            return []
        series = root.comparison
        page = page_of(series.series, series.series_offset, first=first, offset=offset)
        polarity = root.club_indicator.catalogue_indicator.polarity
        rollup = _rollup_of(root.club_indicator)
        return [SeriesWithRules(item, polarity=polarity, rollup=rollup) for item in page]

    def resolve_group(root, info):
        return None if root.comparison is None else root.comparison.group


def _withheld(period):
    from goldenthread.shared_indicators.benchmarking.domain.comparison import PeriodResult

    return PeriodResult(period, False, "Not shown: the club's results are under embargo.")
