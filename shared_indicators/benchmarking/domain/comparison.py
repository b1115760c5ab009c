"""A comparison as a reader may see it: the club's rules applied to aligned values. Pure.

Security-relevant: this is where the club's disclosure rules are applied, on the server,
before anything is handed to an interface.

- A period is shown only when at least `minimum` members have a comparable value for it.
  Otherwise nothing about it is shown: no values, no summary, no count, no exclusions.
- In an anonymised club every member but the reader is "Authority X" (see `anonymity`); no
  organisation id, name or slug is carried in any result object. Rows are ordered by rank and
  then by the anonymous order (or, in a named club, by name), never by id or creation order.
- A comparator group in an anonymised club shows only its summary and the reader's own place
  (listing its members' rows would tell the reader which labels share its region or type).
  It is shown only when the group has at least `minimum` members with values AND the rest of
  the club is either empty or also has at least `minimum`: otherwise comparing the group's
  figures with the whole club's could single out the few members outside it.

`owner_ids_read` lists the organisations whose values the reader is shown (not its own), so
the caller can log the cross-organisation read; it is never serialised.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import NamedTuple

from goldenthread.platform.core.periods import Period

from .alignment import Alignment
from .anonymity import anonymous_labels
from .groups import Group, MemberInfo
from .ranking import NONE, Summary, compared, place_all, side_of_median

BELOW_MINIMUM = (
    "Not shown: too few members have comparable values for this period to show them without "
    "identifying anyone."
)
GROUP_BELOW_MINIMUM = (
    "Not shown: this group, or the rest of the club outside it, has too few members with "
    "comparable values to show figures without identifying anyone."
)


class Entry(NamedTuple):  # a tuple: a comparison of 400 members makes thousands
    label: str
    is_you: bool
    value: Decimal
    rank: int | None
    quartile: int | None
    distance_from_median: Decimal
    side_of_median: str
    derived_from: str


@dataclass(frozen=True)
class ExcludedValue:
    label: str
    is_you: bool
    reason: str


@dataclass(frozen=True)
class PeriodResult:
    period: Period
    shown: bool
    hidden_reason: str = ""
    summary: Summary | None = None
    entries: tuple[Entry, ...] = ()
    you: Entry | None = None
    exclusions: tuple[ExcludedValue, ...] = ()
    # The place (0-based) of entries[0] among all entries: a page need not start at the top.
    entries_offset: int = 0


class SeriesPoint(NamedTuple):
    period: Period
    value: Decimal | None
    club_median: Decimal | None


@dataclass(frozen=True)
class MemberSeries:
    label: str
    is_you: bool
    points: tuple[SeriesPoint, ...]


@dataclass(frozen=True)
class GroupResult:
    key: str
    name: str
    periods: tuple[PeriodResult, ...]
    lists_members: bool


@dataclass(frozen=True)
class Comparison:
    periods: tuple[PeriodResult, ...]
    series: tuple[MemberSeries, ...]
    group: GroupResult | None = None
    owner_ids_read: frozenset[int] = field(default_factory=frozenset)
    series_offset: int = 0  # the place (0-based) of series[0] among all members' series


@dataclass(frozen=True)
class Window:
    """A page of a list: skip `offset` items, then take `limit` (None: all the rest)."""

    offset: int = 0
    limit: int | None = None

    def __post_init__(self) -> None:
        if self.offset < 0 or (self.limit is not None and self.limit < 0):
            raise ValueError("a window's offset and limit are not negative")

    def of(self, items: Sequence) -> tuple:
        end = None if self.limit is None else self.offset + self.limit
        return tuple(items[self.offset : end])


EVERYTHING = Window()


def windowed(
    comparison: Comparison,
    *,
    entries: Window = EVERYTHING,
    group_entries: Window = EVERYTHING,
    series: Window = EVERYTHING,
) -> Comparison:
    """The same comparison with only the pages of entries and series asked for (summaries,
    `you`, exclusions and reads unchanged): what a paginated interface is given."""

    def page(result: PeriodResult, window: Window) -> PeriodResult:
        return replace(result, entries=window.of(result.entries), entries_offset=window.offset)

    group = comparison.group
    if group is not None:
        group = replace(group, periods=tuple(page(r, group_entries) for r in group.periods))
    return replace(
        comparison,
        periods=tuple(page(result, entries) for result in comparison.periods),
        series=series.of(comparison.series),
        series_offset=series.offset,
        group=group,
    )


@dataclass(frozen=True)
class Rules:
    anonymised: bool
    minimum: int
    salt: str
    scope: str  # what the anonymous labels are keyed on: the indicator code
    polarity: str
    decimal_places: int


def labels_for(
    *, rules: Rules, members: Mapping[int, MemberInfo], viewer_id: int
) -> tuple[dict[int, str], dict[int, tuple]]:
    """Display label and ordering tie-break per member (the reader sees its own name)."""
    if rules.anonymised:
        anonymous = anonymous_labels(salt=rules.salt, scope=rules.scope, member_ids=members)
        order = {member_id: (len(label), label) for member_id, label in anonymous.items()}
        labels = dict(anonymous)
    else:
        labels = {member_id: info.name for member_id, info in members.items()}
        order = {
            member_id: (info.name.casefold(), info.name) for member_id, info in members.items()
        }
    if viewer_id in members:
        labels[viewer_id] = members[viewer_id].name
    return labels, order


def _period_result(
    period: Period,
    values: Mapping[int, tuple[Decimal, str]],
    *,
    rules: Rules,
    viewer_id: int,
    labels: Mapping[int, str],
    order: Mapping[int, tuple],
    list_members: bool,
    shown: bool,
    hidden_reason: str,
    exclusions: Sequence[tuple[int, str]] = (),
) -> PeriodResult:
    if not shown:
        return PeriodResult(period, False, hidden_reason)
    summary, placings = place_all(
        {member: value for member, (value, _) in values.items()},
        polarity=rules.polarity,
        decimal_places=rules.decimal_places,
    )
    entries = {
        member: Entry(
            label=labels[member],
            is_you=member == viewer_id,
            value=placing.value,
            rank=placing.rank,
            quartile=placing.quartile,
            distance_from_median=placing.distance_from_median,
            side_of_median=side_of_median(placing.distance_from_median, polarity=rules.polarity),
            derived_from=values[member][1],
        )
        for member, placing in placings.items()
    }

    def position(member: int):
        entry = entries[member]
        if entry.rank is not None:
            return (entry.rank, order[member])
        return (-entry.value, order[member]) if rules.polarity == NONE else (0, order[member])

    ordered = tuple(entries[member] for member in sorted(entries, key=position))
    return PeriodResult(
        period=period,
        shown=True,
        summary=summary,
        entries=ordered if list_members else (),
        you=entries.get(viewer_id),
        exclusions=tuple(
            ExcludedValue(labels[member], member == viewer_id, reason)
            for member, reason in sorted(exclusions, key=lambda item: order[item[0]])
        )
        if list_members
        else (),
    )


def build_comparison(
    *,
    alignment: Alignment,
    periods: Sequence[Period],
    members: Mapping[int, MemberInfo],
    viewer_id: int,
    rules: Rules,
    group: Group | None = None,
) -> Comparison:
    """The comparison `viewer_id` may see, for each of `periods` (in order)."""
    labels, order = labels_for(rules=rules, members=members, viewer_id=viewer_id)
    # Members who left the club since publishing are not part of it any more.
    values_by_period: dict[Period, dict[int, tuple[Decimal, str]]] = {p: {} for p in periods}
    for (member, period), aligned in alignment.values.items():
        if member in members and period in values_by_period:
            values_by_period[period][member] = (aligned.value, aligned.derived_from)
    exclusions_by_period: dict[Period, list[tuple[int, str]]] = {p: [] for p in periods}
    for exclusion in alignment.exclusions:
        if exclusion.member in members and exclusion.period in exclusions_by_period:
            exclusions_by_period[exclusion.period].append((exclusion.member, exclusion.reason))

    results: list[PeriodResult] = []
    read: set[int] = set()
    for period in periods:
        values = values_by_period[period]
        shown = len(values) >= rules.minimum
        results.append(
            _period_result(
                period,
                values,
                rules=rules,
                viewer_id=viewer_id,
                labels=labels,
                order=order,
                list_members=True,
                shown=shown,
                hidden_reason=BELOW_MINIMUM,
                exclusions=exclusions_by_period[period],
            )
        )
        if shown:
            read.update(values)

    series = _series(results, values_by_period, labels, order, viewer_id, rules)
    group_result = None
    if group is not None:
        group_result = _group_result(
            group, periods, values_by_period, rules, viewer_id, labels, order
        )
    read.discard(viewer_id)
    return Comparison(tuple(results), series, group_result, frozenset(read))


def _series(
    results: Sequence[PeriodResult],
    values_by_period: Mapping[Period, Mapping[int, tuple[Decimal, str]]],
    labels: Mapping[int, str],
    order: Mapping[int, tuple],
    viewer_id: int,
    rules: Rules,
) -> tuple[MemberSeries, ...]:
    shown = [result for result in results if result.shown]
    shown_values = {
        result.period: {
            member: compared(value, rules.decimal_places)
            for member, (value, _) in values_by_period[result.period].items()
        }
        for result in shown
    }
    members = {member for values in shown_values.values() for member in values}
    ordered = sorted(members, key=lambda member: (member != viewer_id, order[member]))
    return tuple(
        MemberSeries(
            label=labels[member],
            is_you=member == viewer_id,
            points=tuple(
                SeriesPoint(
                    result.period,
                    shown_values[result.period].get(member),
                    result.summary.median,
                )
                for result in shown
            ),
        )
        for member in ordered
    )


def _group_result(
    group: Group,
    periods: Sequence[Period],
    values_by_period: Mapping[Period, Mapping[int, tuple[Decimal, str]]],
    rules: Rules,
    viewer_id: int,
    labels: Mapping[int, str],
    order: Mapping[int, tuple],
) -> GroupResult:
    results = []
    for period in periods:
        everyone = values_by_period[period]
        inside = {m: v for m, v in everyone.items() if m in group.member_ids}
        outside = len(everyone) - len(inside)
        shown = len(inside) >= rules.minimum and (
            not rules.anonymised or outside == 0 or outside >= rules.minimum
        )
        results.append(
            _period_result(
                period,
                inside,
                rules=rules,
                viewer_id=viewer_id,
                labels=labels,
                order=order,
                list_members=not rules.anonymised,
                shown=shown,
                hidden_reason=GROUP_BELOW_MINIMUM,
            )
        )
    return GroupResult(group.key, group.name, tuple(results), not rules.anonymised)
