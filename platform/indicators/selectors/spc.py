"""A PI's SPC (XmR) chart: its values as the domain judges them, with the officer's baseline.

Two queries whatever the number of values: the PI's overall values with a number, oldest
first, and its recorded baseline (if any). Values are those the PI page shows (entered, any
workflow stage), so the chart, the table and REST agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from goldenthread.platform.core.periods import Period, PeriodType
from goldenthread.platform.indicators.domain.persistence import off_target_run
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


@dataclass(frozen=True)
class Persistence:
    """What persists for a PI: the off-target run up to its latest period, and whether its
    SPC chart says special cause concerning."""

    off_target_periods: int
    special_cause_concerning: bool


def persistence_by_indicator(indicators: list[Indicator]) -> dict[int, Persistence]:
    """Persistence of each of `indicators`, in two queries (their overall values, oldest first,
    and their SPC baselines) however many there are."""
    ids = [indicator.pk for indicator in indicators]
    if not ids:
        return {}
    rows: dict[int, list[IndicatorValue]] = {pk: [] for pk in ids}
    own_type = {indicator.pk: str(indicator.period_type) for indicator in indicators}
    for row in (
        IndicatorValue.objects.filter(indicator_id__in=ids, sub_area__isnull=True)
        .only(
            "indicator_id",
            "period_code",
            "period_type",
            "period_start",
            "value",
            "state",
            "status",
            "status_target",
        )
        .order_by("indicator_id", "period_start")
    ):
        if row.period_type == own_type[row.indicator_id]:
            rows[row.indicator_id].append(row)
    baselines = {b.indicator_id: b for b in SpcBaseline.objects.filter(indicator_id__in=ids)}
    result = {}
    for indicator in indicators:
        series = rows[indicator.pk]
        numbers = [r for r in series if r.state == ValueState.ENTERED and r.value is not None]
        span = None
        baseline = baselines.get(indicator.pk)
        if baseline is not None:
            try:
                span = baseline_indices(
                    numbers, baseline.first_period_code, baseline.last_period_code
                )
            except SpcError:
                span = None
        try:
            chart = xmr(
                [r.value for r in numbers],
                polarity=indicator.polarity,
                target=numbers[-1].status_target if numbers else None,
                baseline=span,
            )
        except SpcError:
            chart = xmr([r.value for r in numbers], polarity=indicator.polarity)
        result[indicator.pk] = Persistence(
            off_target_periods=off_target_run(r.status or None for r in series),
            special_cause_concerning=chart.special_cause_concerning,
        )
    return result
