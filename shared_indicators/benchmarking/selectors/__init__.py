"""Reads: the clubs an organisation belongs to, and comparisons as it may see them.

Security-relevant: `club_list_for` / `club_get_for` are the only ways an interface finds a
club, and both are scoped to the reading organisation's CURRENT memberships; a club the reader
is not in is "not found", with the same message whether or not it exists. Comparisons read the
published-values store only, through the consents given in that club.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import NamedTuple

from django.db.models import Count, Exists, IntegerField, OuterRef, QuerySet, Subquery, Value

from goldenthread.platform.core.errors import NotFound
from goldenthread.platform.core.periods import (
    Period,
    PeriodError,
    PeriodType,
    parse_period,
    periods_between,
)
from goldenthread.shared_indicators.publication.models import ReadInterface
from goldenthread.shared_indicators.publication.selectors import visible_values
from goldenthread.tenants.models import Organisation, OrganisationType, Region

from ..domain.alignment import ComparisonRefused, SourceValue, align, check_periods
from ..domain.comparison import EVERYTHING, Comparison, Rules, Window, build_comparison, windowed
from ..domain.groups import GroupChoice, GroupKind, GroupUnavailable, MemberInfo, resolve_group
from ..errors import ComparisonUnavailable
from ..models import Club, ClubConsent, ClubIndicator, ClubMembership, ComparatorGroup, ConsentTerms
from .bases import BASIS_TYPE
from .rankings import read as ranking_read
from .read_log import record_comparison_read

NOT_A_MEMBER = "No such club among your organisation's clubs."
MAX_PERIODS = 40
ENTERED = "entered"


def club_list_for(*, organisation: Organisation) -> QuerySet[Club]:
    """Clubs `organisation` is a current member of, by name."""
    current = ClubMembership.objects.filter(
        club=OuterRef("pk"), organisation=organisation, left_at__isnull=True
    )
    return Club.objects.filter(Exists(current)).select_related("administering_organisation")


def club_get_for(*, organisation: Organisation, club_id) -> Club:
    """One of `organisation`'s clubs; NotFound (one message) for anything else."""
    try:
        club_id = int(club_id)
    except (TypeError, ValueError):
        raise NotFound(NOT_A_MEMBER) from None
    club = club_list_for(organisation=organisation).filter(pk=club_id).first()
    if club is None:
        raise NotFound(NOT_A_MEMBER)
    return club


def club_indicator_get(*, club: Club, code: str) -> ClubIndicator:
    club_indicator = (
        ClubIndicator.objects.select_related("catalogue_indicator")
        .filter(club=club, catalogue_indicator__code=code)
        .first()
    )
    if club_indicator is None:
        raise NotFound(f"{club.name} does not compare '{code}'.")
    return club_indicator


def member_infos(
    *, club: Club, club_indicator: ClubIndicator | None = None
) -> tuple[dict[int, MemberInfo], dict[int, int]]:
    """The club's current members' comparator attributes and, for `club_indicator`, each
    member's active consent id (members without one are left out): ONE query. Internal:
    names here are shown only through the club's labelling rules."""
    types, regions = dict(OrganisationType.choices), dict(Region.choices)
    memberships = ClubMembership.objects.filter(club=club, left_at__isnull=True)
    if club_indicator is not None:
        consent = ClubConsent.objects.filter(
            membership=OuterRef("pk"), club_indicator=club_indicator, withdrawn_at__isnull=True
        ).values("id")[:1]
        memberships = memberships.annotate(consent_id=Subquery(consent))
    else:
        memberships = memberships.annotate(consent_id=Value(None, output_field=IntegerField()))
    rows = memberships.values_list(
        "organisation_id",
        "organisation__name",
        "organisation__type",
        "organisation__region",
        "organisation__parent_county_id",
        "consent_id",
    )
    members, consents = {}, {}
    for id_, name, type_, region, county, consent_id in rows:
        members[id_] = MemberInfo(
            id_, name, type_, types.get(type_, type_), region, regions.get(region, ""), county
        )
        if consent_id is not None:
            consents[id_] = consent_id
    return members, consents


@dataclass(frozen=True)
class VisibleMember:
    """A current member as a reader may see it in the club's member list."""

    name: str
    is_you: bool
    runs_the_club: bool


def club_members_visible_to(
    *, club: Club, reader: Organisation, members: Sequence[tuple[int, str]] | None = None
) -> list[VisibleMember]:
    """The club's current members that `reader` may see listed, by name: every member when
    the club names its members or `reader` runs it (its administrators manage the membership);
    otherwise, in an anonymised club, the reader alone.

    Security-relevant: the one place this is decided; the club page and the GraphQL
    `BenchmarkingClub.members` both call it. `members` ((organisation id, name) of the current
    members) may be given by a caller that has loaded them already (a DataLoader); otherwise
    they are read in one query."""
    if members is None:
        members = list(
            ClubMembership.objects.filter(club=club, left_at__isnull=True).values_list(
                "organisation_id", "organisation__name"
            )
        )
    sees_everyone = not club.anonymised or club.administering_organisation_id == reader.id
    visible = [
        VisibleMember(name, id_ == reader.id, id_ == club.administering_organisation_id)
        for id_, name in members
        if sees_everyone or id_ == reader.id
    ]
    return sorted(visible, key=lambda member: (member.name.casefold(), member.name))


def consents_given_under_anonymity(*, club: Club) -> QuerySet[ClubConsent]:
    """Active consents of current members given while the club was anonymised: what naming
    the members would end (see `services.club_update_rules`)."""
    return _under_anonymity(club_ids=[club.id]).order_by("id")


def consents_given_under_anonymity_counts(*, club_ids: Sequence[int]) -> dict[int, int]:
    """Club id -> how many such consents it has (clubs with none are left out): ONE query."""
    counts = (
        _under_anonymity(club_ids=club_ids)
        .order_by()
        .values_list("club_indicator__club_id")
        .annotate(count=Count("id"))
    )
    return dict(counts)


def _under_anonymity(*, club_ids: Sequence[int]) -> QuerySet[ClubConsent]:
    return ClubConsent.objects.filter(
        club_indicator__club_id__in=list(club_ids),
        membership__left_at__isnull=True,
        withdrawn_at__isnull=True,
        terms=ConsentTerms.ANONYMISED,
    )


@dataclass(frozen=True)
class NamingImpact:
    """What naming an anonymised club's members would do: how many consents end, of how
    many members, and which (for the club's runner, who manages the membership)."""

    consents: int
    members: int
    by_member: tuple[tuple[str, tuple[str, ...]], ...]  # (member name, indicator codes)

    @property
    def sentence(self) -> str:
        consents = "1 consent" if self.consents == 1 else f"{self.consents} consents"
        members = "1 member" if self.members == 1 else f"{self.members} members"
        were = "was" if self.consents == 1 else "were"
        return f"{consents} from {members} {were}"


def naming_impact(
    *, club: Club | None = None, consents: Sequence[ClubConsent] | None = None
) -> NamingImpact:
    """The impact of naming `club`'s members (or of ending `consents`, with their members and
    indicators selected). For the runner's confirmation page and the service's refusal."""
    if consents is None:
        consents = list(
            consents_given_under_anonymity(club=club).select_related(
                "membership__organisation", "club_indicator__catalogue_indicator"
            )
        )
    codes: dict[str, list[str]] = {}
    for consent in consents:
        codes.setdefault(consent.membership.organisation.name, []).append(
            consent.club_indicator.catalogue_indicator.code
        )
    return NamingImpact(
        consents=len(consents),
        members=len(codes),
        by_member=tuple((name, tuple(sorted(codes[name]))) for name in sorted(codes)),
    )


class StoreRow(NamedTuple):
    """The columns of a published value a comparison needs (and the read log records)."""

    organisation_id: int
    indicator_code: str
    period_code: str
    period_type: str
    period_start: date
    period_end: date
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    value_state: str


def comparison_rows(
    *, indicator_code: str, consent_ids: Sequence[int], start: date, end: date
) -> list[StoreRow]:
    """The published values the club may compare: whole-area rows of `indicator_code`
    overlapping `start`..`end`, granted under one of `consent_ids` (current members' active
    consents). ONE query, whatever the number of members or periods; the grants are not
    prefetched because a club consent grants values and nothing else. Plain tuples rather than
    model instances: a comparison of 400 members over 8 quarters reads 3,200 of them."""
    rows = (
        visible_values(
            basis_type=BASIS_TYPE, basis_ids=consent_ids, indicator_codes=[indicator_code]
        )
        .prefetch_related(None)
        .order_by()
        .filter(period_start__lte=end, period_end__gte=start, sub_area_kind="")
        .values_list(*StoreRow._fields)
    )
    return [StoreRow(*row) for row in rows]


def _sources(rows: Sequence[StoreRow]) -> list[SourceValue]:
    sources = []
    periods: dict[tuple, Period | None] = {}
    for row in rows:
        key = (row.period_type, row.period_start, row.period_end)
        if key not in periods:
            try:
                periods[key] = Period(PeriodType(row.period_type), row.period_start, row.period_end)
            except (PeriodError, ValueError):
                periods[key] = None  # not a period we can place; never guess
        period = periods[key]
        if period is None:
            continue
        entered = row.value_state == ENTERED
        sources.append(
            SourceValue(
                member=row.organisation_id,
                period=period,
                value=row.value if entered else None,
                numerator=row.numerator if entered else None,
                denominator=row.denominator if entered else None,
                ref=row,
            )
        )
    return sources


def parse_periods(codes: Sequence[str]) -> list[Period]:
    periods = []
    for code in codes:
        try:
            periods.append(parse_period(code))
        except PeriodError as exc:
            raise ComparisonUnavailable(str(exc)) from None
    return sorted(set(periods))


def period_range(first: str, last: str) -> list[Period]:
    start, stop = parse_periods([first])[0], parse_periods([last])[0]
    if start.type != stop.type:
        raise ComparisonUnavailable(
            f"The first and last periods must be of one type ({start.code} is a "
            f"{start.type.label}, {stop.code} a {stop.type.label})."
        )
    periods = periods_between(start.type, start, stop)
    if not periods:
        raise ComparisonUnavailable(f"{stop.code} comes before {start.code}.")
    return periods


def group_choices(
    *, club: Club, viewer: MemberInfo, members: dict[int, MemberInfo], neighbour_ids, custom
) -> list[GroupChoice]:
    choices = []
    for kind in (
        GroupKind.AUTHORITY_TYPE,
        GroupKind.REGION,
        GroupKind.COUNTY_AREA,
        GroupKind.NEAREST_NEIGHBOURS,
    ):
        try:
            group = resolve_group(kind, viewer=viewer, members=members, neighbour_ids=neighbour_ids)
            choices.append(GroupChoice(kind, group.key, group.name, True))
        except GroupUnavailable as exc:
            choices.append(
                GroupChoice(kind, kind.value, kind.value.replace("_", " "), False, str(exc))
            )
    for group in custom:
        choices.append(GroupChoice(GroupKind.CUSTOM, f"custom:{group.id}", group.name, True))
    return choices


def neighbour_ids_of(*, organisation: Organisation) -> list[int]:
    from ..models import NearestNeighbour

    return list(
        NearestNeighbour.objects.filter(organisation=organisation).values_list(
            "neighbour_id", flat=True
        )
    )


@dataclass(frozen=True)
class ComparisonReads:
    """Whose values a comparison showed the reader (not its own), for the read log; internal,
    never serialised. Parallel tuples by owner id: the owner's consent the values were read
    under and the codes of the periods read of it (as published: months, when a quarter was
    rolled up from them)."""

    indicator_code: str = ""
    owner_ids: tuple[int, ...] = ()
    consent_ids: tuple[int, ...] = ()
    period_codes: tuple[tuple[str, ...], ...] = ()

    def by_owner(self) -> dict[int, tuple[int, tuple[str, ...]]]:
        return {
            owner: (consent, codes)
            for owner, consent, codes in zip(
                self.owner_ids, self.consent_ids, self.period_codes, strict=True
            )
        }


def _table_reads(code: str, periods: Sequence[Period], owners) -> ComparisonReads:
    """The statement's owners read, with each owner's bit mask of periods turned into codes
    (once per distinct mask: usually every owner has the same)."""
    decoded: dict[int, tuple[str, ...]] = {}

    def codes(mask: int) -> tuple[str, ...]:
        if mask not in decoded:
            decoded[mask] = tuple(p.code for i, p in enumerate(periods) if mask >> i & 1)
        return decoded[mask]

    return ComparisonReads(
        code, owners.owner_ids, owners.consent_ids, tuple(codes(m) for m in owners.masks)
    )


@dataclass
class ComparisonView:
    """A comparison as `reader` may see it. `reads` (whose values were shown, under which
    consent) is internal: for the read log, never serialised."""

    club: Club
    club_indicator: ClubIndicator
    periods: list[Period]
    embargoed: bool
    comparison: Comparison | None
    reads: ComparisonReads = field(default_factory=ComparisonReads, repr=False)


def _group(group_key: str, *, club, viewer, members, reader):
    if not group_key:
        return None
    custom = None
    neighbours: list[int] = []
    if group_key.startswith("custom:"):
        try:
            group_id = int(group_key.removeprefix("custom:"))
        except ValueError:
            raise ComparisonUnavailable(f"'{group_key}' is not a comparator group.") from None
        group = ComparatorGroup.objects.filter(club=club, id=group_id).first()
        if group is None:
            raise ComparisonUnavailable(f"{club.name} has no comparator group '{group_key}'.")
        custom = (group.id, group.name, group.members.values_list("id", flat=True))
        kind = GroupKind.CUSTOM
    else:
        kind = group_key
        if group_key == GroupKind.NEAREST_NEIGHBOURS:
            neighbours = neighbour_ids_of(organisation=reader)
    try:
        return resolve_group(
            kind, viewer=viewer, members=members, neighbour_ids=neighbours, custom=custom
        )
    except GroupUnavailable as exc:
        raise ComparisonUnavailable(str(exc)) from None


def _checked(*, club: Club, indicator_code: str, periods: Sequence[Period]) -> ClubIndicator:
    club_indicator = club_indicator_get(club=club, code=indicator_code)
    if len(periods) > MAX_PERIODS:
        raise ComparisonUnavailable(f"Ask for at most {MAX_PERIODS} periods at a time.")
    try:
        check_periods(periods, comparison_type=club_indicator.comparison_period_type)
    except ComparisonRefused as exc:
        raise ComparisonUnavailable(str(exc)) from None
    return club_indicator


def comparison_for(
    *,
    reader: Organisation,
    reader_user,
    interface: str,
    club: Club,
    indicator_code: str,
    periods: Sequence[Period],
    today: date,
    group_key: str = "",
    entries: Window = EVERYTHING,
    group_entries: Window = EVERYTHING,
    series: Window = EVERYTHING,
) -> ComparisonView:
    """The comparison of `indicator_code` over `periods` in `club` as `reader` may see it,
    with only the pages of entries (per period, and per period of the group) and of time
    series asked for; summaries and the reader's own place are always complete.

    `club` must come from `club_get_for(organisation=reader, …)`.

    Security-relevant: the read is logged here, not by the interface (`reader_user` and
    `interface`, "page", "rest" or "graphql", are required), so every door logs it: one row
    naming each other member whose values were shown (`read_log`).

    Read by one SQL statement
    from the ranking table (`rankings.read`), a page at a time; when members published other
    periods than those compared (roll-ups, exclusions), computed by the pure reference path
    instead. Queries: the club indicator and the statement, plus the members and a neighbour
    or custom group when a comparator group is asked for, plus the members and the rows when
    the pure path is needed: a constant number whatever the number of members, periods or
    values.
    """
    _check_interface(interface)
    view = _comparison(
        reader=reader,
        club=club,
        indicator_code=indicator_code,
        periods=periods,
        today=today,
        group_key=group_key,
        entries=entries,
        group_entries=group_entries,
        series=series,
    )
    record_comparison_read(view=view, reader=reader, reader_user=reader_user, interface=interface)
    return view


def _check_interface(interface: str) -> None:
    if interface not in ReadInterface.values:
        raise ValueError(f"interface must be one of {ReadInterface.values}, not {interface!r}")


def _comparison(
    *, reader, club, indicator_code, periods, today, group_key, entries, group_entries, series
) -> ComparisonView:
    club_indicator = _checked(club=club, indicator_code=indicator_code, periods=periods)
    if club.is_embargoed(today):
        return ComparisonView(club, club_indicator, list(periods), True, None)
    members = None
    group = None
    if group_key:
        members, _ = member_infos(club=club)
        viewer = members.get(reader.id)
        if viewer is None:
            raise NotFound(NOT_A_MEMBER)
        group = _group(group_key, club=club, viewer=viewer, members=members, reader=reader)
    result = ranking_read.run(
        club=club,
        club_indicator=club_indicator,
        scope=ranking_read.Scope(
            viewer_id=reader.id,
            viewer_name=reader.name,
            periods=list(periods),
            entries=entries,
            group_entries=group_entries,
            series=series,
            group=group,
        ),
    )
    if result is None:
        view = _reference_view(
            reader=reader, club=club, club_indicator=club_indicator, periods=periods, group=group
        )
        view.comparison = windowed(
            view.comparison, entries=entries, group_entries=group_entries, series=series
        )
        return view
    return ComparisonView(
        club,
        club_indicator,
        list(periods),
        False,
        result.comparison,
        _table_reads(club_indicator.code, periods, result.reads),
    )


def reference_comparison_for(
    *,
    reader: Organisation,
    reader_user,
    interface: str,
    club: Club,
    indicator_code: str,
    periods: Sequence[Period],
    today: date,
    group_key: str = "",
) -> ComparisonView:
    """The same comparison computed by the pure domain functions over every row (the
    reference implementation `comparison_for` must agree with; it falls back to it). Logged
    like `comparison_for`: it reads the same values."""
    _check_interface(interface)
    club_indicator = _checked(club=club, indicator_code=indicator_code, periods=periods)
    if club.is_embargoed(today):
        return ComparisonView(club, club_indicator, list(periods), True, None)
    members, _ = member_infos(club=club)
    viewer = members.get(reader.id)
    if viewer is None:
        raise NotFound(NOT_A_MEMBER)
    group = _group(group_key, club=club, viewer=viewer, members=members, reader=reader)
    view = _reference_view(
        reader=reader, club=club, club_indicator=club_indicator, periods=periods, group=group
    )
    record_comparison_read(view=view, reader=reader, reader_user=reader_user, interface=interface)
    return view


def _reference_view(*, reader, club, club_indicator, periods, group) -> ComparisonView:
    members, consents = member_infos(club=club, club_indicator=club_indicator)
    if reader.id not in members:
        raise NotFound(NOT_A_MEMBER)
    indicator = club_indicator.catalogue_indicator
    rows = comparison_rows(
        indicator_code=indicator.code,
        consent_ids=list(consents.values()),
        start=periods[0].start,
        end=periods[-1].end,
    )
    alignment = align(
        _sources(rows),
        periods=periods,
        rollup_rule=club_indicator.rollup_rule,
        rollup_factor=club_indicator.rollup_factor,
        decimal_places=indicator.decimal_places,
    )
    rules = Rules(
        anonymised=club.anonymised,
        minimum=club.minimum_members_with_data,
        salt=club.label_salt,
        scope=indicator.code,
        polarity=indicator.polarity,
        decimal_places=indicator.decimal_places,
    )
    comparison = build_comparison(
        alignment=alignment,
        periods=periods,
        members=members,
        viewer_id=reader.id,
        rules=rules,
        group=group,
    )
    shown = {result.period for result in comparison.periods if result.shown}
    read: dict[int, set[str]] = {owner: set() for owner in comparison.owner_ids_read}
    for (member, period), aligned in alignment.values.items():
        if period in shown and member in read:
            read[member].update(source.ref.period_code for source in aligned.sources)
    owners = sorted(read)
    reads = ComparisonReads(
        indicator.code,
        tuple(owners),
        tuple(consents[owner] for owner in owners),
        tuple(tuple(sorted(read[owner])) for owner in owners),
    )
    return ComparisonView(club, club_indicator, list(periods), False, comparison, reads)
