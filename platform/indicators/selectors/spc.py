"""A PI's SPC (XmR) chart: its values as the domain judges them, with the officer's baseline.

Two queries whatever the number of values: the PI's overall values with a number, oldest
first, and its recorded baseline (if any). Values are those the PI page shows (entered, any
workflow stage), so the chart, the table and REST agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from goldenthread.platform.core.periods import Period, PeriodType
from goldenthread.platform.indicators.domain.spc import SpcError, SpcResult, xmr

from ..domain.choices import ValueState
from ..models import Indicator, IndicatorValue, SpcBaseline


@dataclass(frozen=True)
class SpcChart:
    indicator: Indicator
    periods: list[Period]
    result: SpcResult
    target: Decimal | None
    baseline: SpcBaseline | None
    # Why a recorded baseline could not be used (e.g. values since deleted), in words.
    baseline_problem: str = ""


def spc_values(indicator: Indicator) -> list[IndicatorValue]:
    return list(
        IndicatorValue.objects.filter(
            indicator=indicator,
            sub_area__isnull=True,
            period_type=str(indicator.period_type),
            state=ValueState.ENTERED,
            value__isnull=False,
        ).order_by("period_start")
    )


def baseline_indices(rows: list[IndicatorValue], first: str, last: str) -> tuple[int, int]:
    codes = [row.period_code for row in rows]
    if first not in codes or last not in codes:
        raise SpcError("The baseline's first and last periods must both have values.")
    return codes.index(first), codes.index(last)


def indicator_spc(*, indicator: Indicator) -> SpcChart:
    rows = spc_values(indicator)
    baseline = SpcBaseline.objects.filter(indicator=indicator).first()
    target = rows[-1].status_target if rows else None
    values = [row.value for row in rows]
    periods = [
        Period(type=PeriodType(row.period_type), start=row.period_start, end=row.period_end)
        for row in rows
    ]
    problem = ""
    result = None
    if baseline is not None:
        try:
            span = baseline_indices(rows, baseline.first_period_code, baseline.last_period_code)
            result = xmr(values, polarity=indicator.polarity, target=target, baseline=span)
        except SpcError as error:
            problem = f"The recorded baseline is not used: {error}"
    if result is None:
        result = xmr(values, polarity=indicator.polarity, target=target)
    return SpcChart(
        indicator=indicator,
        periods=periods,
        result=result,
        target=target,
        baseline=baseline if not problem else None,
        baseline_problem=problem,
    )
