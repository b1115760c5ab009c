"""Year-end forecast: the projected outturn of a PI's year, an 80% interval and the chance of
meeting the annual target, from the year so far and the same periods of past years.

The year is a list of `periods_in_year` periods (4 quarters, 12 months); the year so far is
the values of its first periods, in order. Past years are whole years of the same periods
(a past year with a gap is left out: its shape is unknown).

How the rest of the year is projected depends on how the PI's periods combine:

* **sum** (a count, money): the year so far is the same share of the year as it was in past
  years ("seasonal share of past years"): outturn = year so far / that share, the share being
  the past years' pooled year-so-far over their pooled totals;
* **average** and **recomputed rates** (approximated by the average of the periods):
  each remaining period is the past years' average for that period, moved by how far this
  year so far runs above or below the same periods in past years ("seasonal pattern of past
  years, adjusted to this year's level");
* **latest value**: the last period of the year the same way ("last period of past years,
  adjusted to this year's level").

The interval comes from how wrong this method would have been in past years: each past year
is forecast, at the same point in its year, from the other past years, and its error (a
ratio for a sum, a difference otherwise) is applied to this year's projection. With 3 or more
past years the 10th and 90th percentiles of those errors are used, widened for the few years
there are; with fewer, a normal approximation whose spread also counts how far this year's
periods stray from the pattern, and a Student t multiplier (wider with fewer years). With no
past year there is "not enough history".

Pure: no database, no settings, no clock.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from goldenthread.platform.core.periods import (
    Period,
    PeriodError,
    PeriodType,
    previous_period,
    sub_periods,
)
from goldenthread.platform.indicators.domain.calculation import Rollup
from goldenthread.platform.indicators.domain.status import Polarity

LIKELY = "Likely to meet the annual target"
UNCERTAIN = "Uncertain to meet the annual target"
UNLIKELY = "Unlikely to meet the annual target"
NOT_ENOUGH_HISTORY = "Not enough history to forecast"
NO_VALUES_YET = "No values yet this year to forecast from"

METHOD_SHARE = "seasonal share of past years"
METHOD_PATTERN = "seasonal pattern of past years, adjusted to this year's level"
METHOD_LAST = "last period of past years, adjusted to this year's level"
METHOD_ACTUAL = "the year's actual outturn (all periods entered)"

_Z80 = 1.2815515655446004  # the standard normal's 90th percentile
# Student t 90th percentiles by degrees of freedom (1 to 10): a normal interval from few
# years must be wider than one from many.
_T90 = {1: 3.078, 2: 1.886, 3: 1.638, 4: 1.533, 5: 1.476, 6: 1.440, 7: 1.415, 8: 1.397}


@dataclass(frozen=True)
class Forecast:
    """A year-end forecast; `outturn` is None when there is nothing to forecast from (then
    `words` says why)."""

    outturn: float | None
    low: float | None
    high: float | None
    probability: float | None  # of meeting the annual target; None without target/polarity
    words: str
    method: str
    past_years: int

    @property
    def available(self) -> bool:
        return self.outturn is not None


def _project(
    rule: Rollup, so_far: Sequence[float], past: Sequence[Sequence[float]], n: int
) -> float | None:
    """The outturn of a year whose first periods are `so_far`, by the method for `rule`, from
    the whole `past` years; None when the past years give no share to divide by."""
    k = len(so_far)
    if rule is Rollup.SUM:
        pooled_so_far = sum(sum(year[:k]) for year in past)
        pooled_total = sum(sum(year) for year in past)
        if pooled_so_far == 0 or pooled_total == 0:
            return None
        return sum(so_far) / (pooled_so_far / pooled_total)
    means = [statistics.fmean(year[i] for year in past) for i in range(n)]
    level = statistics.fmean(so_far[i] - means[i] for i in range(k))
    if rule is Rollup.LAST:
        return so_far[-1] if k == n else means[n - 1] + level
    rest = [means[i] + level for i in range(k, n)]
    return statistics.fmean([*so_far, *rest])


def _outturn(rule: Rollup, year: Sequence[float]) -> float:
    if rule is Rollup.SUM:
        return sum(year)
    if rule is Rollup.LAST:
        return year[-1]
    return statistics.fmean(year)


def _error(rule: Rollup, actual: float, projected: float) -> float | None:
    """A sum's error is a ratio (a busy year's errors scale with it); others' a difference."""
    if rule is Rollup.SUM:
        return actual / projected if projected else None
    return actual - projected


def _quantile(sorted_values: Sequence[float], q: float) -> float:
    """Linear interpolation between order statistics (the usual 'type 7' quantile)."""
    position = q * (len(sorted_values) - 1)
    lower = math.floor(position)
    upper = min(lower + 1, len(sorted_values) - 1)
    return sorted_values[lower] + (sorted_values[upper] - sorted_values[lower]) * (position - lower)


def _period_spread(rule: Rollup, so_far, past, n: int) -> float:
    """How far this year's periods stray from the past pattern, as the error it would put on
    the outturn over the periods still to come (0 with fewer than 2 periods so far)."""
    k = len(so_far)
    if k < 2 or k == n:
        return 0.0
    means = [statistics.fmean(year[i] for year in past) for i in range(n)]
    if rule is Rollup.SUM:
        if any(m <= 0 for m in means[:k]):
            return 0.0
        ratios = [so_far[i] / means[i] for i in range(k)]
        # Relative error of a sum of the n - k periods to come, as a share of the year.
        remaining = sum(means[k:]) / sum(means) if sum(means) else 0.0
        return (
            statistics.stdev(ratios)
            / statistics.fmean(ratios)
            * remaining
            / math.sqrt(max(n - k, 1))
        )
    residuals = [so_far[i] - means[i] for i in range(k)]
    spread = statistics.stdev(residuals)
    if rule is Rollup.LAST:
        return spread
    return spread * math.sqrt(n - k) / n


def _probability(center: float, low: float, high: float, target: float, polarity) -> float:
    sd = (high - low) / (2 * _Z80)
    if sd <= 0:
        met = center >= target if polarity == Polarity.HIGHER else center <= target
        return 1.0 if met else 0.0
    below = 0.5 * (1 + math.erf((target - center) / (sd * math.sqrt(2))))
    return 1 - below if polarity == Polarity.HIGHER else below


def words_for(probability: float | None) -> str:
    if probability is None:
        return "No annual target to forecast against"
    if probability >= 0.8:
        return LIKELY
    if probability <= 0.2:
        return UNLIKELY
    return UNCERTAIN


def year_end_forecast(
    *,
    rule: Rollup | str,
    periods_in_year: int,
    year_so_far: Sequence[Decimal | float],
    past_years: Sequence[Sequence[Decimal | float | None]],
    target: Decimal | float | None = None,
    polarity: Polarity | str = Polarity.HIGHER,
) -> Forecast:
    """Forecast the year (see the module's rules). `year_so_far` is the first periods' values
    in order; each of `past_years` is a whole year's values in the same order."""
    rule = Rollup(rule)
    polarity = Polarity(polarity)
    n = periods_in_year
    if n < 1:
        raise ValueError(f"a year needs at least one period, not {n}")
    if len(year_so_far) > n:
        raise ValueError(f"{len(year_so_far)} periods given for a year of {n}")
    so_far = [float(v) for v in year_so_far]
    past = [
        [float(v) for v in year]
        for year in past_years
        if len(year) == n and all(v is not None for v in year)
    ]
    method = {Rollup.SUM: METHOD_SHARE, Rollup.LAST: METHOD_LAST}.get(rule, METHOD_PATTERN)
    goal = float(target) if target is not None else None
    k = len(so_far)
    if k == n:
        actual = _outturn(rule, so_far)
        probability = (
            None
            if goal is None or polarity == Polarity.NONE
            else _probability(actual, actual, actual, goal, polarity)
        )
        return Forecast(
            actual, actual, actual, probability, words_for(probability), METHOD_ACTUAL, len(past)
        )
    if k == 0:
        return Forecast(None, None, None, None, NO_VALUES_YET, method, len(past))
    if not past:
        return Forecast(None, None, None, None, NOT_ENOUGH_HISTORY, method, 0)
    center = _project(rule, so_far, past, n)
    if center is None:
        return Forecast(None, None, None, None, NOT_ENOUGH_HISTORY, method, len(past))

    # Each past year forecast from the others at the same point in its year.
    errors = []
    if len(past) >= 2:
        for j, year in enumerate(past):
            others = past[:j] + past[j + 1 :]
            projected = _project(rule, year[:k], others, n)
            if projected is not None:
                error = _error(rule, _outturn(rule, year), projected)
                if error is not None:
                    errors.append(error)
    neutral = 1.0 if rule is Rollup.SUM else 0.0
    if len(errors) >= 3:
        errors.sort()
        # Few years under-state the tails: stretch the percentiles by the t/normal ratio.
        # (and by sqrt(1 + 1/m), as a new year's error varies around the m years' own).
        stretch = _T90.get(len(errors) - 1, _Z80) / _Z80 * math.sqrt(1 + 1 / len(errors))
        low_error = neutral + (_quantile(errors, 0.1) - neutral) * stretch
        high_error = neutral + (_quantile(errors, 0.9) - neutral) * stretch
        # Never narrower than the normal interval from the errors' own spread.
        sd = math.sqrt(statistics.fmean((e - neutral) ** 2 for e in errors))
        low_error = min(low_error, neutral - _Z80 * sd)
        high_error = max(high_error, neutral + _Z80 * sd)
    else:
        spread = _period_spread(rule, so_far, past, n)
        if errors:
            spread = max(spread, math.sqrt(statistics.fmean((e - neutral) ** 2 for e in errors)))
        multiplier = _T90[max(len(errors) + len(past) - 1, 1)] if len(past) < 3 else _Z80
        low_error = neutral - multiplier * spread
        high_error = neutral + multiplier * spread
    if rule is Rollup.SUM:
        low, high = center * max(low_error, 0.0), center * high_error
    else:
        low, high = center + low_error, center + high_error
    probability = (
        None
        if goal is None or polarity == Polarity.NONE
        else _probability(center, low, high, goal, polarity)
    )
    return Forecast(center, low, high, probability, words_for(probability), method, len(past))


# --- A year's forecast from values by period code --------------------------------------------

PAST_YEARS = 5


def _shift(year: Period, back: int) -> Period:
    for _ in range(back):
        year = previous_period(year)
    return year


def forecast_from_values(
    *,
    rule: str,
    polarity: str,
    period_type: PeriodType,
    year: Period,
    values: Mapping[str, Decimal],
    annual_target: Decimal | None,
) -> Forecast | None:
    """The forecast of `year` from `values` by period code; None for a PI whose periods are
    whole years (nothing to project within a year) or do not fit into one."""
    try:
        periods = sub_periods(year, period_type)
    except PeriodError:
        return None
    if len(periods) < 2:
        return None
    so_far = []
    for period in periods:
        if period.code not in values:
            break
        so_far.append(values[period.code])
    past = []
    for back in range(1, PAST_YEARS + 1):
        past_periods = sub_periods(_shift(year, back), period_type)
        if len(past_periods) == len(periods):
            past.append([values.get(p.code) for p in past_periods])
    return year_end_forecast(
        rule=Rollup(rule),
        periods_in_year=len(periods),
        year_so_far=so_far,
        past_years=past,
        target=annual_target,
        polarity=polarity,
    )
