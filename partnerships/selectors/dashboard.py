"""The partnership dashboard: shared indicators with the partnership figure per period, each
member's contribution, status, trends, commentary where allowed, and provenance.

Everything is read in a fixed number of queries, whatever the number of members, indicators
and periods: members, shared indicators, partnership targets, cascaded targets, the reader's
bases, the visible published values (every revision, with their grants). Figures, statuses
and trends are then worked out in Python with the same pure functions as the performance core
(`status.assess`, `trends.trend`) and `domain.aggregation`.

Published values are read as `PublishedRow`s (the columns the dashboard uses, as tuples), not
model instances: a dashboard of 12 members × 35 indicators × 8 quarters reads ~3,400 of them,
and building a 30-field model for each was a fifth of its time (#16 item 3, bench/README.md).

What a reader sees is what the agreements let it see (see `selectors` for the rules): the
partnership figure is computed from the contributions visible to the reader, and members
whose figures it may not see show as missing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef
from django.utils import timezone

from goldenthread.platform.core.periods import (
    Period,
    PeriodError,
    PeriodType,
    parse_period,
    period_containing,
    previous_period,
    same_period_last_year,
)
from goldenthread.platform.indicators.domain.status import (
    Polarity,
    StatusResult,
    Tolerance,
    assess,
)
from goldenthread.platform.indicators.domain.trends import Trend, trend
from goldenthread.shared_indicators.publication.domain.bases import Basis
from goldenthread.shared_indicators.publication.models import PublicationGrant
from goldenthread.shared_indicators.publication.selectors import visible_values
from goldenthread.shared_indicators.publication.services import log_cross_organisation_reads
from goldenthread.tenants.models import Organisation

from ..domain.aggregation import Aggregate, Contribution, aggregate
from ..domain.choices import Aggregation, SharedField
from ..domain.periods import check_dashboard_periods
from ..models import (
    CascadedTarget,
    Partnership,
    PartnershipIndicator,
    PartnershipMember,
    PartnershipTarget,
)
from ..permissions import contributes
from . import member_list, readable_bases, shared_indicator_list
from .bases import BASIS_TYPE

DEFAULT_PERIODS = 8

# What the dashboard reads of a published value, in `PublishedRow`'s order.
_ROW_COLUMNS = (
    "id",
    "organisation_id",
    "indicator_code",
    "period_code",
    "sub_area_kind",
    "sub_area_name",
    "value",
    "numerator",
    "denominator",
    "value_state",
    "target",
    "commentary",
    "source_value_id",
    "approved_by_name",
    "approved_at",
    "published_at",
    "revision",
    "is_current",
    "superseded_at",
)


@dataclass(slots=True, eq=False)
class PublishedRow:
    """One published value (a revision) as the dashboard reads it, with the reader's bases it
    is visible through (`reader_bases`, in id order) and the fields they let the reader see
    (`fields`). Its attributes are named as `PublishedValue`'s, so pages, REST, templates and
    GraphQL read it as they read the model."""

    id: int
    organisation_id: int
    indicator_code: str
    period_code: str
    sub_area_kind: str
    sub_area_name: str
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    value_state: str
    target: Decimal | None
    commentary: str
    source_value_id: int
    approved_by_name: str
    approved_at: datetime
    published_at: datetime
    revision: int
    is_current: bool
    superseded_at: datetime | None
    reader_bases: list[Basis] = field(default_factory=list)
    fields: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Provenance:
    """Where a member's figure came from."""

    organisation: Organisation
    approved_by: str
    approved_at: datetime
    published_at: datetime
    revision: int
    basis: Basis
    source_value_id: int

    @property
    def agreement_version_id(self) -> int:
        return self.basis.id

    @property
    def agreement_label(self) -> str:
        return self.basis.label


@dataclass
class MemberContribution:
    member: PartnershipMember
    period: Period
    published: PublishedRow | None
    fields: frozenset[str]
    cascaded_target: Decimal | None
    status: StatusResult | None
    provenance: Provenance | None
    history: list[PublishedRow] = field(default_factory=list)
    breakdowns: list[PublishedRow] = field(default_factory=list)

    @property
    def organisation(self) -> Organisation:
        return self.member.organisation

    @property
    def state(self) -> str:
        return self.published.value_state if self.published else "missing"

    @property
    def value(self) -> Decimal | None:
        return self.published.value if self.published else None

    @property
    def numerator(self) -> Decimal | None:
        return self.published.numerator if self.published else None

    @property
    def denominator(self) -> Decimal | None:
        return self.published.denominator if self.published else None

    @property
    def own_target(self) -> Decimal | None:
        """The member's own target, only where an agreement shares targets."""
        if self.published is None or SharedField.TARGETS not in self.fields:
            return None
        return self.published.target

    @property
    def commentary(self) -> str:
        """The member's commentary, only where an agreement shares commentary."""
        if self.published is None or SharedField.COMMENTARY not in self.fields:
            return ""
        return self.published.commentary

    @property
    def restated(self) -> bool:
        return bool(self.published and self.published.revision > 1)


@dataclass
class PeriodFigure:
    indicator: PartnershipIndicator
    period: Period
    aggregate: Aggregate
    target: Decimal | None
    status: StatusResult
    contributions: list[MemberContribution]
    # The figures the trends compare with. One outside the window shown carries its
    # aggregate, target and status but no contributions (only its value is read).
    previous: PeriodFigure | None = None
    short_trend: Trend = Trend.NOT_COMPARABLE
    last_year: PeriodFigure | None = None
    long_trend: Trend = Trend.NOT_COMPARABLE

    @property
    def value(self) -> Decimal | None:
        return self.aggregate.value

    @property
    def missing_members(self) -> list[PartnershipMember]:
        missing = set(self.aggregate.missing)
        return [c.member for c in self.contributions if c.member.organisation_id in missing]

    @property
    def provenance(self) -> list[Provenance]:
        used = set(self.aggregate.used)
        return [
            c.provenance
            for c in self.contributions
            if c.provenance is not None and c.member.organisation_id in used
        ]


@dataclass
class IndicatorFigures:
    indicator: PartnershipIndicator
    figures: list[PeriodFigure]  # oldest first, the dashboard window only

    @property
    def latest(self) -> PeriodFigure | None:
        return self.figures[-1] if self.figures else None


@dataclass
class Dashboard:
    partnership: Partnership
    reader: Organisation
    bases: list[Basis]
    members: list[PartnershipMember]
    indicators: list[IndicatorFigures]

    @property
    def can_see_figures(self) -> bool:
        return bool(self.bases)


def window_for(
    indicator: PartnershipIndicator,
    *,
    count: int = DEFAULT_PERIODS,
    as_of: date | None = None,
    period_codes: list[str] | None = None,
) -> list[Period]:
    """The periods shown for an indicator, oldest first: those named (of the indicator's own
    period type), or the last `count` complete periods by `as_of`."""
    if period_codes:
        periods = []
        for code in period_codes:
            try:
                period = parse_period(code)
            except PeriodError:
                continue
            if period.type == indicator.period_type:
                periods.append(period)
        return sorted(set(periods))
    as_of = as_of or timezone.localdate()
    last = period_containing(PeriodType(indicator.period_type), as_of)
    if last.end > as_of:
        last = previous_period(last)
    periods = [last]
    while len(periods) < count:
        periods.append(previous_period(periods[-1]))
    return list(reversed(periods))


def _union_fields(bases: list[Basis]) -> frozenset[str]:
    """What the reader's bases let it see of a value."""
    if len(bases) == 1:
        return bases[0].fields
    fields: set[str] = set()
    for basis in bases:
        fields.update(basis.fields)
    return frozenset(fields)


def _published_rows(
    *, basis_by_id: dict[int, Basis], indicator_codes, period_codes, organisation_ids
) -> list[PublishedRow]:
    """Every revision of the values visible through the reader's bases, oldest revision
    first, each with the bases it is visible through and what they let the reader see."""
    basis_ids = list(basis_by_id)
    # The reader's grants on each row come back as one array column (a correlated subquery
    # on the grants' unique index) rather than a prefetch keyed by thousands of row ids or a
    # GROUP BY over the whole row; a version's fields never change after it is sent for
    # acceptance, so its grants carry exactly the basis's fields.
    grants = (
        PublicationGrant.objects.filter(
            published_value=OuterRef("pk"), basis_type=BASIS_TYPE, basis_id__in=basis_ids
        )
        .order_by("basis_id")
        .values("basis_id")
    )
    tuples = (
        visible_values(
            basis_type=BASIS_TYPE,
            basis_ids=basis_ids,
            indicator_codes=indicator_codes,
            period_codes=period_codes,
            organisation_ids=organisation_ids,
            include_history=True,
        )
        .prefetch_related(None)
        .annotate(reader_basis_ids=ArraySubquery(grants))
        .order_by()
        .values_list(*_ROW_COLUMNS, "reader_basis_ids")
    )
    rows = []
    fields_of: dict[tuple[int, ...], tuple[list[Basis], frozenset[str]]] = {}
    for values in tuples:
        ids = tuple(values[-1] or ())
        known = fields_of.get(ids)
        if known is None:
            bases = [basis_by_id[i] for i in ids]
            known = fields_of[ids] = (bases, _union_fields(bases))
        rows.append(PublishedRow(*values[:-1], reader_bases=known[0], fields=known[1]))
    rows.sort(key=_revision)  # sorted here, not by the database, which sorts whole rows
    return rows


def _revision(row: PublishedRow) -> int:
    return row.revision


def _tolerance(indicator: PartnershipIndicator) -> Tolerance:
    return Tolerance(kind=indicator.tolerance_kind, amount=indicator.tolerance_amount)


class _Assessor:
    """`assess` with one indicator's polarity, tolerance and decimal places, worked out once
    for the indicator rather than once per figure and contribution."""

    __slots__ = ("polarity", "tolerance", "decimal_places")

    def __init__(self, indicator: PartnershipIndicator):
        self.polarity = Polarity(indicator.polarity)
        self.tolerance = _tolerance(indicator)
        self.decimal_places = indicator.decimal_places

    def __call__(self, value: Decimal | None, target: Decimal | None, state: str) -> StatusResult:
        if state == "missing":
            value = None
            state = "entered"  # assess: an entered state with no number is missing
        return assess(
            value=value,
            target=target,
            polarity=self.polarity,
            tolerance=self.tolerance,
            decimal_places=self.decimal_places,
            value_state=state,
        )


def assess_figure(
    indicator: PartnershipIndicator, value: Decimal | None, target: Decimal | None, state: str
) -> StatusResult:
    """Status with the performance core's rules, at the shared indicator's decimal places."""
    return _Assessor(indicator)(value, target, state)


def partnership_dashboard(
    *,
    partnership: Partnership,
    reader: Organisation,
    reader_user,
    interface: str,
    periods: int = DEFAULT_PERIODS,
    as_of: date | None = None,
    period_codes: list[str] | None = None,
    indicator_codes: list[str] | None = None,
) -> Dashboard:
    """The dashboard of `partnership` as `reader` may see it. The caller must already have
    checked that the reader is a member (`selectors.partnership_get_for`).

    Security-relevant: this is where members' values are read from the store, so this is
    where the read is logged, whatever the door: every other organisation's value read is
    written to the cross-organisation read log under the agreement version it was read by
    (`reader_user` and `interface`, "page", "rest" or "graphql", are required; one row per
    agreement version read under, usually one).
    """
    check_dashboard_periods(periods=periods, period_codes=period_codes)
    members = member_list(partnership=partnership)
    indicators = shared_indicator_list(partnership=partnership)
    if indicator_codes is not None:
        indicators = [i for i in indicators if i.code in set(indicator_codes)]
    bases = readable_bases(partnership=partnership, organisation=reader)
    basis_by_id = {basis.id: basis for basis in bases}
    windows = {
        i.pk: window_for(i, count=periods, as_of=as_of, period_codes=period_codes)
        for i in indicators
    }
    needed: dict[int, set[Period]] = {}
    for indicator in indicators:
        shown = windows[indicator.pk]
        wanted = set(shown)
        if shown:
            wanted.add(previous_period(shown[0]))
        wanted.update(same_period_last_year(p) for p in shown)
        needed[indicator.pk] = wanted
    all_codes = sorted({p.code for periods_ in needed.values() for p in periods_})
    ids = [i.pk for i in indicators]
    targets = {
        (t.indicator_id, t.period_code): t.value
        for t in PartnershipTarget.objects.filter(indicator_id__in=ids, period_code__in=all_codes)
    }
    cascaded = {
        (t.indicator_id, t.period_code, t.organisation_id): t.value
        for t in CascadedTarget.objects.filter(indicator_id__in=ids, period_code__in=all_codes)
    }
    rows: list[PublishedRow] = []
    if bases and indicators:
        rows = _published_rows(
            basis_by_id=basis_by_id,
            indicator_codes=[i.code for i in indicators],
            period_codes=all_codes,
            organisation_ids=[m.organisation_id for m in members],
        )
    current: dict[tuple[str, str, int], PublishedRow] = {}
    history: dict[tuple[str, str, int], list[PublishedRow]] = defaultdict(list)
    breakdowns: dict[tuple[str, str, int], list[PublishedRow]] = defaultdict(list)
    for row in rows:
        key = (row.indicator_code, row.period_code, row.organisation_id)
        if row.sub_area_kind or row.sub_area_name:
            if row.is_current and SharedField.BREAKDOWNS in row.fields:
                breakdowns[key].append(row)
            continue
        if row.is_current:
            current[key] = row
        else:
            history[key].append(row)

    _log_reads(reader, reader_user, rows, basis_by_id, interface)

    expected = [m.organisation_id for m in members if contributes(m)]
    results = []
    for indicator in indicators:
        assessor = _Assessor(indicator)
        figures: dict[Period, PeriodFigure] = {}
        window = set(windows[indicator.pk])
        for period in sorted(needed[indicator.pk]):
            if period not in window:
                # Read only for its value, by the trends of the periods shown.
                figures[period] = _comparison_figure(
                    indicator, assessor, period, expected, current, targets, cascaded
                )
                continue
            figures[period] = _figure(
                indicator,
                assessor,
                period,
                members,
                expected,
                current,
                history,
                breakdowns,
                targets,
                cascaded,
            )
        shown = []
        polarity = assessor.polarity
        for period in windows[indicator.pk]:
            figure = figures[period]
            figure.previous = figures.get(previous_period(period))
            figure.last_year = figures.get(same_period_last_year(period))
            figure.short_trend = _trend(indicator, polarity, figure, figure.previous)
            figure.long_trend = _trend(indicator, polarity, figure, figure.last_year)
            shown.append(figure)
        results.append(IndicatorFigures(indicator=indicator, figures=shown))
    return Dashboard(
        partnership=partnership, reader=reader, bases=bases, members=members, indicators=results
    )


def _trend(indicator, polarity, figure: PeriodFigure, earlier: PeriodFigure | None) -> Trend:
    return trend(
        current=figure.value,
        previous=earlier.value if earlier else None,
        polarity=polarity,
        decimal_places=indicator.decimal_places,
    )


def _figure(
    indicator,
    assessor: _Assessor,
    period: Period,
    members,
    expected: list[int],
    current,
    history,
    breakdowns,
    targets,
    cascaded,
) -> PeriodFigure:
    contributions = []
    arrived = []  # what the aggregation rules are given: the published contributions
    indicator_id, indicator_code = indicator.pk, indicator.code
    code = period.code  # computed, and asked for per member below
    for member in members:
        organisation_id = member.organisation_id
        key = (indicator_code, code, organisation_id)
        published = current.get(key)
        share = cascaded.get((indicator_id, code, organisation_id))
        if published is None:
            fields = frozenset()
            provenance = status = None
        else:
            fields = published.fields
            provenance = Provenance(
                organisation=member.organisation,
                approved_by=published.approved_by_name,
                approved_at=published.approved_at,
                published_at=published.published_at,
                revision=published.revision,
                basis=published.reader_bases[0],
                source_value_id=published.source_value_id,
            )
            own = published.target if SharedField.TARGETS in fields else None
            status = assessor(
                published.value, share if share is not None else own, published.value_state
            )
            arrived.append(_arrived(organisation_id, published))
        contributions.append(
            MemberContribution(
                member=member,
                period=period,
                published=published,
                fields=fields,
                cascaded_target=share,
                status=status,
                provenance=provenance,
                history=history.get(key, []),
                breakdowns=breakdowns.get(key, []),
            )
        )
    return _period_figure(
        indicator, assessor, period, expected, arrived, targets, cascaded, contributions
    )


def _comparison_figure(
    indicator, assessor: _Assessor, period: Period, expected, current, targets, cascaded
) -> PeriodFigure:
    """The figure of a period outside the window, which the trends compare with: the same
    aggregate as `_figure` (which gives `aggregate` only what was published, and the rules
    look only at the expected members), without each member's contribution."""
    code = period.code
    arrived = []
    for organisation_id in expected:
        published = current.get((indicator.code, code, organisation_id))
        if published is not None:
            arrived.append(_arrived(organisation_id, published))
    return _period_figure(indicator, assessor, period, expected, arrived, targets, cascaded, [])


def _arrived(organisation_id: int, published) -> Contribution:
    """What the aggregation rules read of one member's published value."""
    return Contribution(
        member=organisation_id,
        value=published.value,
        numerator=published.numerator,
        denominator=published.denominator,
        value_state=published.value_state,
    )


def _period_figure(
    indicator,
    assessor: _Assessor,
    period: Period,
    expected,
    arrived,
    targets,
    cascaded,
    contributions,
) -> PeriodFigure:
    """The partnership's figure for one period: the aggregate of what `arrived` from the
    expected members, its target and status, with `contributions` to show beside it."""
    result = aggregate(
        rule=indicator.aggregation,
        expected=expected,
        contributions=arrived,
        factor=indicator.factor,
    )
    target = _partnership_target(indicator, period.code, expected, targets, cascaded)
    return PeriodFigure(
        indicator=indicator,
        period=period,
        aggregate=result,
        target=target,
        status=assessor(result.value, target, result.state),
        contributions=contributions,
    )


def _partnership_target(indicator, code: str, expected, targets, cascaded) -> Decimal | None:
    """The partnership's target, else (for a sum) the members' cascaded shares added up."""
    target = targets.get((indicator.pk, code))
    if target is None and indicator.aggregation == Aggregation.SUM and expected:
        shares = [cascaded.get((indicator.pk, code, org_id)) for org_id in expected]
        if all(share is not None for share in shares):
            target = sum(shares, Decimal(0))
    return target


def _log_reads(reader, reader_user, rows, basis_by_id, interface) -> None:
    by_basis: dict[int, list[PublishedRow]] = defaultdict(list)
    for row in rows:
        if row.organisation_id == reader.pk:
            continue
        by_basis[row.reader_bases[0].id].append(row)
    for basis_id, values in sorted(by_basis.items()):
        log_cross_organisation_reads(
            reader_organisation=reader,
            reader_user=reader_user,
            values=values,
            basis=basis_by_id[basis_id],
            interface=interface,
        )
