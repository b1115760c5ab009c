"""Cost beside performance: a PI's unit cost per period, and which way it is moving.

Auditors ask councils to report "performance relative to resources". A PI is paired with a
money PI of the same frequency (`models.CostPairing`) that holds either

* its **spend** in each period: the unit cost is spend / activity, where the activity is the
  PI's own value, so only a PI that counts something (unit "number": households helped,
  tonnes collected) has a unit cost; a percentage or a rate is not an amount of activity, and
  beside one the spend is shown alone; or
* its **unit cost** already (a calculated money PI, numerator spend and denominator
  activity, usually adopted from a catalogue unit-cost indicator so that benchmarking clubs
  compare it like any value).

A unit cost needs both figures and a positive activity: nothing served at a cost has no unit
cost (it is not infinite, and not zero). Cheaper is better, so the unit cost's trend is read
with a lower-is-better polarity.

Pure: no database, no settings, no clock.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from goldenthread.platform.indicators.domain.status import Polarity
from goldenthread.platform.indicators.domain.trends import Trend, trend

SPEND = "spend"
UNIT_COST = "unit_cost"
COUNT_UNIT = "number"
# Unit costs are money: shown and compared to the penny.
UNIT_COST_PLACES = 2


def has_unit_cost(*, measure: str, unit_kind: str) -> bool:
    """Whether a PI of `unit_kind` paired with a cost of `measure` has a unit cost at all."""
    return measure == UNIT_COST or unit_kind == COUNT_UNIT


def unit_cost(
    *, measure: str, unit_kind: str, cost: Decimal | None, activity: Decimal | None
) -> Decimal | None:
    """The unit cost of one period, or None when it cannot be worked out (a figure missing,
    no activity, or a PI that does not count activity)."""
    if cost is None or not has_unit_cost(measure=measure, unit_kind=unit_kind):
        return None
    if measure == UNIT_COST:
        return cost
    if activity is None or activity <= 0:
        return None
    return cost / activity


@dataclass(frozen=True)
class CostPoint:
    period_code: str
    value: Decimal | None  # the PI's own value (its performance, or its activity)
    cost: Decimal | None  # the cost PI's value: spend, or unit cost
    unit_cost: Decimal | None


def cost_series(
    *,
    measure: str,
    unit_kind: str,
    period_codes: Sequence[str],
    values: Mapping[str, Decimal],
    costs: Mapping[str, Decimal],
) -> list[CostPoint]:
    """One point per period code (in the order given), with whatever figures exist."""
    return [
        CostPoint(
            period_code=code,
            value=values.get(code),
            cost=costs.get(code),
            unit_cost=unit_cost(
                measure=measure,
                unit_kind=unit_kind,
                cost=costs.get(code),
                activity=values.get(code),
            ),
        )
        for code in period_codes
    ]


def unit_cost_trend(*, current: Decimal | None, previous: Decimal | None) -> Trend:
    """How the unit cost moved: falling is improving (the same service for less)."""
    return trend(
        current=current, previous=previous, polarity=Polarity.LOWER, decimal_places=UNIT_COST_PLACES
    )
