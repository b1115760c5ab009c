"""Like with like: bring each member's published values onto the comparison's periods.

A comparison is asked for periods of one type (quarters, say). A member's value for a quarter
is taken:

1. as published, when the member published that quarter; otherwise
2. rolled up from the member's values for shorter periods that fit the quarter exactly
   (its three months), only when the club has set the indicator's roll-up rule (sum, average,
   last or recompute; see `platform.indicators.domain.calculation`) and every one of those
   months has a value. A quarter with a missing month is not a quarter.

Anything else is left out with a reason, never mixed in: values for periods that do not line up
(an academic year against financial years, weeks against months), values for longer periods
than the comparison's, and shorter periods when the club has no roll-up rule. Values recorded
as not collected or not applicable are not values. Asking for periods of different types in one
comparison is refused outright.

Pure: no ORM, no clock.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from goldenthread.platform.core.periods import Period, PeriodError, sub_periods
from goldenthread.platform.indicators.domain.calculation import (
    CalculationError,
    Rollup,
    SubValue,
    roll_up,
)

ROLLUP_WORDS = {
    Rollup.SUM: "summed",
    Rollup.AVERAGE: "averaged",
    Rollup.LAST: "taken from the last",
    Rollup.RECOMPUTE: "recomputed from numerators and denominators",
}


class ComparisonRefused(ValueError):
    """The comparison cannot be made at all; the message says why."""


@dataclass(frozen=True)
class SourceValue:
    """One published value of one member. `value` is None unless the state is 'entered'."""

    member: Hashable
    period: Period
    value: Decimal | None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    ref: object = field(default=None, compare=False, repr=False)  # the caller's row


@dataclass(frozen=True)
class AlignedValue:
    member: Hashable
    period: Period
    value: Decimal
    derived_from: str  # "" when published for the period itself, else e.g. "3 months, summed"
    sources: tuple[SourceValue, ...]


@dataclass(frozen=True)
class Exclusion:
    member: Hashable
    period: Period
    reason: str


@dataclass(frozen=True)
class Alignment:
    values: dict[tuple[Hashable, Period], AlignedValue]
    exclusions: list[Exclusion]


def check_periods(periods: Sequence[Period], *, comparison_type: str) -> None:
    """Refuse an empty request, or periods of another type than the club compares by."""
    if not periods:
        raise ComparisonRefused("Ask for at least one period.")
    types = {period.type for period in periods}
    if len(types) > 1:
        names = ", ".join(sorted(t.plural for t in types))
        raise ComparisonRefused(
            f"A comparison uses periods of one type; these periods mix {names}, which cannot "
            "be compared with each other."
        )
    (asked,) = types
    if asked != comparison_type:
        raise ComparisonRefused(
            f"This club compares the indicator by {comparison_type.replace('_', ' ')}; "
            f"{asked.plural} cannot be compared here."
        )


def align(
    sources: Iterable[SourceValue],
    *,
    periods: Sequence[Period],
    rollup_rule: str,
    rollup_factor: Decimal,
    decimal_places: int,
) -> Alignment:
    """Each member's value for each of `periods` (all of one type), by the rules above.

    `rollup_rule` is a `Rollup` value, or "" when the club has not set one.
    """
    rule = Rollup(rollup_rule) if rollup_rule else None
    by_member: dict[Hashable, list[SourceValue]] = defaultdict(list)
    exact: dict[tuple[Hashable, Period], SourceValue] = {}
    for source in sources:
        by_member[source.member].append(source)
        exact[(source.member, source.period)] = source

    values: dict[tuple[Hashable, Period], AlignedValue] = {}
    exclusions: list[Exclusion] = []
    for member, rows in by_member.items():
        for period in periods:
            # The common case, a value published for the period itself, without a scan.
            row = exact.get((member, period))
            if row is not None:
                if row.value is not None:
                    values[(member, period)] = AlignedValue(member, period, row.value, "", (row,))
                continue
            outcome = _value_for(
                member,
                period,
                rows,
                rule=rule,
                factor=rollup_factor,
                decimal_places=decimal_places,
            )
            if isinstance(outcome, AlignedValue):
                values[(member, period)] = outcome
            elif isinstance(outcome, Exclusion):
                exclusions.append(outcome)
    return Alignment(values=values, exclusions=exclusions)


def _value_for(
    member: Hashable,
    period: Period,
    rows: list[SourceValue],
    *,
    rule: Rollup | None,
    factor: Decimal,
    decimal_places: int,
) -> AlignedValue | Exclusion | None:
    exact = [row for row in rows if row.period == period]
    if exact:
        row = exact[0]
        if row.value is None:
            return None
        return AlignedValue(member, period, row.value, "", (row,))

    overlapping = [
        row for row in rows if row.period.start <= period.end and row.period.end >= period.start
    ]
    if not overlapping:
        return None
    types = {row.period.type for row in overlapping}
    if len(types) > 1:
        names = " and ".join(sorted(t.plural for t in types))
        return Exclusion(
            member,
            period,
            f"published {names} overlapping {period.code}; they are not mixed into one value",
        )
    (held,) = types
    try:
        parts = sub_periods(period, held)
    except PeriodError:
        return Exclusion(
            member,
            period,
            f"published {held.plural}, which do not fit exactly into {period.type.plural}",
        )
    if rule is None:
        return Exclusion(
            member,
            period,
            f"published {held.plural}; the club has set no roll-up rule to make "
            f"{period.type.plural} from them",
        )
    by_part = {row.period: row for row in overlapping}
    missing = [part for part in parts if by_part.get(part) is None or _empty(by_part[part], rule)]
    if missing:
        return Exclusion(
            member,
            period,
            f"published {len(parts) - len(missing)} of the {len(parts)} {held.plural} of "
            f"{period.code}; an incomplete {period.type.label} is not compared",
        )
    used = tuple(by_part[part] for part in parts)
    try:
        result = roll_up(
            rule=rule,
            values=[SubValue(row.value, row.numerator, row.denominator) for row in used],
            factor=factor,
            expected_count=len(parts),
            decimal_places=None,
        )
    except CalculationError as exc:
        return Exclusion(member, period, f"its {held.plural} cannot be rolled up: {exc}")
    return AlignedValue(
        member,
        period,
        result.value,
        f"{len(parts)} {held.plural}, {ROLLUP_WORDS[rule]}",
        used,
    )


def _empty(row: SourceValue, rule: Rollup) -> bool:
    if rule is Rollup.RECOMPUTE:
        return row.numerator is None or row.denominator is None
    return row.value is None
