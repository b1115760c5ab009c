"""A PI's SPC (XmR) chart: its values as the domain judges them, with the officer's baseline.

Two queries whatever the number of values: the PI's overall values with a number, oldest
first, and its recorded baseline (if any). Values are those the PI page shows (entered, any
workflow stage), so the chart, the table and REST agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from goldenthread.platform.core.periods import Period, PeriodType
from goldenthread.platform.indicators.domain.persistence import off_target_run
from goldenthread.platform.indicators.domain.spc import SpcError, SpcResult, xmr

from ..domain.choices import ValueState
from ..models import Indicator, IndicatorValue, SpcBaseline
from ..models.indicators import period_type_of


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


def persistence_by_indicator(
    indicators: list, *, up_to: date | None = None
) -> dict[int, Persistence]:
    """Persistence of each of `indicators` (PIs, or the report's `ReportIndicator`s: anything
    with `id`, `frequency`, `year_basis` and `polarity`), from their values of periods ending
    by `up_to` (all when None), in two queries (the overall values, oldest first, and the SPC
    baselines) however many there are. Keyed by PI id."""
    ids = [indicator.id for indicator in indicators]
    if not ids:
        return {}
    rows: dict[int, list[IndicatorValue]] = {pk: [] for pk in ids}
    own_type = {pi.id: str(period_type_of(pi.frequency, pi.year_basis)) for pi in indicators}
    values = IndicatorValue.objects.filter(indicator_id__in=ids, sub_area__isnull=True)
    if up_to is not None:
        values = values.filter(period_end__lte=up_to)
    for row in values.only(
        "indicator_id",
        "period_code",
        "period_type",
        "period_start",
        "value",
        "state",
        "status",
        "status_target",
    ).order_by("indicator_id", "period_start"):
        if row.period_type == own_type[row.indicator_id]:
            rows[row.indicator_id].append(row)
    baselines = {b.indicator_id: b for b in SpcBaseline.objects.filter(indicator_id__in=ids)}
    result = {}
    for indicator in indicators:
        series = rows[indicator.id]
        numbers = [r for r in series if r.state == ValueState.ENTERED and r.value is not None]
        span = None
        baseline = baselines.get(indicator.id)
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
        result[indicator.id] = Persistence(
            off_target_periods=off_target_run(r.status or None for r in series),
            special_cause_concerning=chart.special_cause_concerning,
        )
    return result


def filter_report_groups(
    groups: list, *, up_to: date, off_target_at_least: int | None, special_cause_concerning: bool
) -> list:
    """The report's (area, rows) groups kept to rows matching the persistence filters, as of
    `up_to`: off target at least N periods in a row, and/or special cause concerning. Two
    more queries for the whole report; groups left empty are dropped."""
    if not off_target_at_least and not special_cause_concerning:
        return groups
    persistence = persistence_by_indicator(
        [row.indicator for _, rows in groups for row in rows], up_to=up_to
    )

    def keep(row) -> bool:
        found = persistence[row.indicator.id]
        if off_target_at_least and found.off_target_periods < off_target_at_least:
            return False
        return not (special_cause_concerning and not found.special_cause_concerning)

    kept = [(area, [row for row in rows if keep(row)]) for area, rows in groups]
    return [(area, rows) for area, rows in kept if rows]
