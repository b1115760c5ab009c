"""Profiling an annual target into quarters or months.

Councils set a target for the year and then need one for each quarter or month, so the
quarterly report can say whether the PI is on track. How depends on how the PI rolls up:

* A PI whose periods add up (sum roll-up: homes built) shares the annual figure out. A flat
  profile gives each period an equal share; a cumulative profile gives each period the running
  total to date (25, 50, 75, 100), for PIs reported year to date. The shares are rounded to
  the PI's decimal places so that they add up to the annual figure exactly: the rounding
  differences are spread, one unit at a time, over the periods where the running total crosses
  a rounding step (100 in thirds at 0 dp is 33, 34, 33), and never pile up in the last period.
* A PI that is averaged, a snapshot or a recomputed rate (percentage of calls answered) does
  not add up: 80% for the year means 80% every quarter, and 80% year to date, so each period
  carries the annual figure under either method.

The annual figure is taken at the PI's decimal places first (rounded half up).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Literal

from goldenthread.platform.core.periods import Period
from goldenthread.platform.indicators.domain.calculation import Rollup
from goldenthread.platform.indicators.domain.numbers import as_decimal, round_half_up


class TargetProfileError(ValueError):
    """A profile that cannot be made; the message names the problem."""


def profile_annual_target(
    *,
    annual: Decimal,
    periods: Sequence[Period],
    method: Literal["flat", "cumulative"],
    rollup: Rollup,
    decimal_places: int,
) -> dict[Period, Decimal]:
    """A target for each of `periods` (returned in date order) from the `annual` target."""
    if method not in ("flat", "cumulative"):
        raise TargetProfileError(f"a target profile is flat or cumulative, not {method!r}")
    rollup = Rollup(rollup)
    if not periods:
        raise TargetProfileError("there are no periods to profile the annual target into")
    types = {p.type for p in periods}
    if len(types) > 1:
        listed = ", ".join(sorted(t.label for t in types))
        raise TargetProfileError(f"the periods to profile into are of different types ({listed})")
    if len(set(periods)) != len(periods):
        raise TargetProfileError("the periods to profile into include the same period twice")

    ordered = sorted(periods, key=lambda p: p.start)
    total = round_half_up(as_decimal(annual, name="the annual target"), decimal_places)
    if rollup is not Rollup.SUM:
        return {p: total for p in ordered}

    count = len(ordered)
    # Running totals rounded at each step: their differences add up to the total exactly.
    running = [round_half_up(total * k / count, decimal_places) for k in range(count + 1)]
    if method == "cumulative":
        return {p: running[k] for k, p in enumerate(ordered, start=1)}
    return {p: running[k] - running[k - 1] for k, p in enumerate(ordered, start=1)}
