"""The year-end forecast of a PI (`domain.forecast`), read from its stored values and targets.

The year forecast is the financial year of the PI's latest whole-PI value (so a PI keeps its
forecast between quarters); the year so far is its periods up to the first gap; past years are
the five before it. Values of every state but drafts without a figure count: the forecast is a
planning aid, and the page says what it is based on.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

from goldenthread.platform.core.periods import (
    Period,
    PeriodError,
    PeriodType,
    parse_period,
    previous_period,
    sub_periods,
)
from goldenthread.platform.indicators.domain.calculation import Rollup
from goldenthread.platform.indicators.domain.forecast import Forecast, year_end_forecast
from goldenthread.platform.indicators.domain.part_year import year_of
from goldenthread.platform.indicators.models import Indicator, IndicatorValue, Target

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


def indicator_forecast(indicator: Indicator) -> tuple[Period, Forecast] | None:
    """The PI's forecast for the year of its latest value, with that year; None when it has no
    value or its periods are whole years. Two queries."""
    rows = list(
        IndicatorValue.objects.filter(
            indicator=indicator,
            sub_area__isnull=True,
            value__isnull=False,
            period_type=str(indicator.period_type),
        ).values_list("period_code", "period_start", "value")
    )
    if not rows:
        return None
    latest = max(rows, key=lambda row: row[1])
    year = year_of(parse_period(latest[0]))
    annual = (
        Target.objects.filter(indicator=indicator, sub_area__isnull=True, period_code=year.code)
        .values_list("value", flat=True)
        .first()
    )
    forecast = forecast_from_values(
        rule=indicator.rollup_rule,
        polarity=indicator.polarity,
        period_type=indicator.period_type,
        year=year,
        values={code: value for code, _, value in rows},
        annual_target=annual,
    )
    return (year, forecast) if forecast is not None else None
