"""Calculated values and how sub-period values roll up to quarters and years.

A calculated PI is entered as a numerator and a denominator and its value is
numerator / denominator x factor (100 for a percentage, 1,000 for a rate per thousand).

When a monthly PI is reported for a quarter or a year its months roll up by the PI's rule:

* sum - counts and money add up (number of homes built);
* average - the mean of the sub-period values (average days to re-let, by month);
* last - a snapshot at the end of the period (households in temporary accommodation on the last
  day of the quarter), so the latest value stands for the whole;
* recompute - a percentage or rate is recomputed from the summed numerators and denominators,
  never by averaging the monthly percentages, which would weigh a quiet month the same as a
  busy one.

A roll-up says whether it is complete (every expected sub-period had a value) so that a
quarter with a missing month is not presented as if it were whole.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from goldenthread.platform.core.periods import Period, PeriodType, period_containing, sub_periods
from goldenthread.platform.indicators.domain.numbers import as_decimal, round_half_up


class CalculationError(ValueError):
    """A value that cannot be calculated; the message says why, in the user's terms."""


def _rounded(number: Decimal, decimal_places: int | None) -> Decimal:
    return number if decimal_places is None else round_half_up(number, decimal_places)


def calculated_value(
    *,
    numerator: Decimal,
    denominator: Decimal,
    factor: Decimal,
    decimal_places: int | None = None,
) -> Decimal:
    """numerator / denominator x factor, rounded half up when `decimal_places` is given
    (otherwise to Decimal's 28 significant digits).

    Raises `CalculationError` for a zero denominator: there is no value, and zero would be a
    lie.
    """
    numerator = as_decimal(numerator, name="the numerator")
    denominator = as_decimal(denominator, name="the denominator")
    factor = as_decimal(factor, name="the factor")
    if denominator == 0:
        raise CalculationError(
            f"cannot calculate the value: the denominator is zero (numerator {numerator}); "
            "enter a denominator other than zero, or mark the period not collected or not "
            "applicable"
        )
    # Multiplying first keeps 1/3 x 100 at 33.33...33 rather than 33.33...30.
    return _rounded(numerator * factor / denominator, decimal_places)


class Rollup(StrEnum):
    SUM = "sum"
    AVERAGE = "average"
    LAST = "last"
    RECOMPUTE = "recompute"


@dataclass(frozen=True)
class SubValue:
    """One sub-period's figures; all None when the sub-period has no value."""

    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None


@dataclass(frozen=True)
class RollupResult:
    """The rolled-up value (None when no sub-period had one) and how complete it is.

    `numerator` and `denominator` are the summed parts for the recompute rule, else None.
    """

    value: Decimal | None
    complete: bool
    present_count: int
    expected_count: int
    numerator: Decimal | None = None
    denominator: Decimal | None = None


def _present(rule: Rollup, position: int, sub: SubValue) -> bool:
    if rule is not Rollup.RECOMPUTE:
        return sub.value is not None
    has_numerator, has_denominator = sub.numerator is not None, sub.denominator is not None
    if has_numerator and has_denominator:
        return True
    if has_numerator or has_denominator or sub.value is not None:
        raise CalculationError(
            f"cannot recompute from sub-period {position}: it needs both a numerator and a "
            "denominator"
        )
    return False


def roll_up(
    *,
    rule: Rollup,
    values: Sequence[SubValue],
    factor: Decimal,
    expected_count: int,
    decimal_places: int | None = None,
) -> RollupResult:
    """Roll the sub-period `values` (in date order) up by `rule`.

    `expected_count` is how many sub-periods make the whole (3 months in a quarter); `values`
    may be shorter, or hold empty `SubValue`s, for sub-periods with no value. `factor` is used
    only to recompute. The value is rounded half up when `decimal_places` is given.
    """
    rule = Rollup(rule)
    if expected_count < 1:
        raise ValueError(f"a roll-up needs at least one expected sub-period, not {expected_count}")
    if len(values) > expected_count:
        raise ValueError(
            f"{len(values)} sub-period values given where {expected_count} were expected"
        )
    present = [sub for i, sub in enumerate(values, start=1) if _present(rule, i, sub)]
    count = len(present)
    complete = count == expected_count
    if not present:
        return RollupResult(None, False, 0, expected_count)

    if rule is Rollup.RECOMPUTE:
        numerator = sum((as_decimal(s.numerator, name="a numerator") for s in present), Decimal(0))
        denominator = sum(
            (as_decimal(s.denominator, name="a denominator") for s in present), Decimal(0)
        )
        value = calculated_value(
            numerator=numerator,
            denominator=denominator,
            factor=factor,
            decimal_places=decimal_places,
        )
        return RollupResult(value, complete, count, expected_count, numerator, denominator)

    numbers = [as_decimal(s.value, name="a sub-period value") for s in present]
    if rule is Rollup.SUM:
        value = sum(numbers, Decimal(0))
    elif rule is Rollup.AVERAGE:
        value = sum(numbers, Decimal(0)) / count
    else:
        value = numbers[-1]
    return RollupResult(_rounded(value, decimal_places), complete, count, expected_count)


def roll_up_period(
    *,
    rule: Rollup,
    period: Period,
    sub_type: PeriodType,
    values: Mapping[Period, SubValue],
    factor: Decimal,
    decimal_places: int | None = None,
) -> RollupResult:
    """`period`'s value from the values of its sub-periods of `sub_type` (a quarter from its
    months). `values` may hold other periods too; only `period`'s own sub-periods are used."""
    parts = sub_periods(period, sub_type)
    return roll_up(
        rule=rule,
        values=[values.get(part, SubValue()) for part in parts],
        factor=factor,
        expected_count=len(parts),
        decimal_places=decimal_places,
    )


def year_to_date(
    *,
    rule: Rollup,
    up_to: Period,
    values: Mapping[Period, SubValue],
    factor: Decimal,
    decimal_places: int | None = None,
    year_type: PeriodType = PeriodType.FINANCIAL_YEAR,
) -> RollupResult:
    """The year-to-date value at `up_to`: its year's periods of the same type, from the first
    up to and including `up_to`, rolled up by `rule` (Q2 year to date is Q1 + Q2 for a sum).

    The year is the financial year unless `year_type` says otherwise; a week belongs to the
    year holding its Thursday. Complete only when every period so far has a value.
    """
    year = period_containing(year_type, up_to.midpoint)
    so_far = [p for p in sub_periods(year, up_to.type) if p.start <= up_to.start]
    return roll_up(
        rule=rule,
        values=[values.get(p, SubValue()) for p in so_far],
        factor=factor,
        expected_count=len(so_far),
        decimal_places=decimal_places,
    )
