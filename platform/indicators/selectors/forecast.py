"""The year-end forecast of a PI (`domain.forecast`), read from its stored values and targets.

The year forecast is the financial year of the PI's latest whole-PI value (so a PI keeps its
forecast between quarters); the year so far is its periods up to the first gap; past years are
the five before it. Values of every state but drafts without a figure count: the forecast is a
planning aid, and the page says what it is based on.
"""

from __future__ import annotations

from goldenthread.platform.core.periods import (
    Period,
    parse_period,
)

# `forecast_from_values` is pure (periods and numbers), so it lives with the domain, where
# GraphQL's partnership and benchmarking figures use it too.
from goldenthread.platform.indicators.domain.forecast import (
    Forecast,
    forecast_from_values,
)
from goldenthread.platform.indicators.domain.part_year import year_of
from goldenthread.platform.indicators.models import Indicator, IndicatorValue, Target


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
