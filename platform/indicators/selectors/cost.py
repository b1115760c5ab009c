"""A PI's cost beside its performance (`domain.cost`), on its page, in REST and in the report.

The cost is another PI of the organisation (`CostPairing`), so its figures are read like any
PI's: the page reads the two PIs' overall values in one query; the report reads the cost PIs
through the report itself (`performance_report`), so a monthly spend is rolled up to the
quarter by its own rule exactly as the PI beside it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from goldenthread.platform.core.periods import Period, PeriodType
from goldenthread.platform.indicators.domain.cost import (
    CostPoint,
    cost_series,
    has_unit_cost,
    unit_cost,
    unit_cost_trend,
)
from goldenthread.platform.indicators.domain.trends import Trend

from ..domain.choices import ValueState
from ..models import CostPairing, Indicator, IndicatorValue

# The PI page shows the latest two years of quarters (or eight periods of any type).
PAGE_PERIODS = 8


@dataclass(frozen=True)
class CostView:
    pairing: CostPairing
    has_unit_cost: bool
    # (period, point), oldest first: the periods either PI has a value for, the latest few.
    points: list[tuple[Period, CostPoint]]
    latest: CostPoint | None  # the newest period with a cost
    trend: Trend  # of the unit cost, from the period before `latest`


def cost_pairing_of(indicator: Indicator) -> CostPairing | None:
    return (
        CostPairing.objects.select_related("cost_indicator", "set_by")
        .filter(indicator=indicator)
        .first()
    )


def indicator_cost(*, indicator: Indicator) -> CostView | None:
    """The PI's cost panel, or None when it has no cost measure. Two queries."""
    pairing = cost_pairing_of(indicator)
    if pairing is None:
        return None
    rows = IndicatorValue.objects.filter(
        indicator_id__in=(indicator.pk, pairing.cost_indicator_id),
        sub_area__isnull=True,
        period_type=str(indicator.period_type),
        state=ValueState.ENTERED,
        value__isnull=False,
    ).values_list(
        "indicator_id", "period_code", "period_type", "period_start", "period_end", "value"
    )
    values: dict[str, Decimal] = {}
    costs: dict[str, Decimal] = {}
    periods: dict[str, Period] = {}
    for indicator_id, code, kind, start, end, value in rows:
        (values if indicator_id == indicator.pk else costs)[code] = value
        periods[code] = Period(type=PeriodType(kind), start=start, end=end)
    ordered = sorted(periods.values(), key=lambda p: p.start)[-PAGE_PERIODS:]
    points = cost_series(
        measure=pairing.measure,
        unit_kind=indicator.unit_kind,
        period_codes=[p.code for p in ordered],
        values=values,
        costs=costs,
    )
    paired = list(zip(ordered, points, strict=True))
    latest_index = next(
        (i for i in range(len(points) - 1, -1, -1) if points[i].cost is not None), None
    )
    latest = None if latest_index is None else points[latest_index]
    direction = Trend.NOT_COMPARABLE
    if latest_index is not None and latest_index > 0:
        direction = unit_cost_trend(
            current=latest.unit_cost, previous=points[latest_index - 1].unit_cost
        )
    return CostView(
        pairing=pairing,
        has_unit_cost=has_unit_cost(measure=pairing.measure, unit_kind=indicator.unit_kind),
        points=paired,
        latest=latest,
        trend=direction,
    )


@dataclass(frozen=True)
class ReportCost:
    """A report row's cost: the cost PI's reading for the same period (rolled up as the report
    rolls up the PI), the unit cost now and in the previous period, and its trend."""

    cost_code: str
    cost_title: str
    measure: str
    cost: Decimal | None
    unit_cost: Decimal | None
    previous_unit_cost: Decimal | None
    trend: Trend


def report_costs(
    *, rows: Sequence, period_code: str, approved_only: bool, today
) -> dict[int, ReportCost]:
    """The cost of each report row's PI that has a cost measure, by PI id. One query for the
    pairings and, when there are any, the report's own queries once for their cost PIs."""
    from .report import performance_report  # the report asks for costs: imported late

    by_id = {row.indicator.id: row for row in rows}
    pairings = list(
        CostPairing.objects.filter(indicator_id__in=by_id).values_list(
            "indicator_id",
            "cost_indicator_id",
            "cost_indicator__code",
            "cost_indicator__title",
            "measure",
        )
    )
    if not pairings:
        return {}
    cost_rows = {
        row.indicator.id: row
        for row in performance_report(
            period_code=period_code,
            approved_only=approved_only,
            include_retired=True,
            indicator_ids=sorted({pairing[1] for pairing in pairings}),
            today=today,
        ).rows
    }
    found: dict[int, ReportCost] = {}
    for indicator_id, cost_id, code, title, measure in pairings:
        row, cost_row = by_id[indicator_id], cost_rows.get(cost_id)
        if cost_row is None:
            continue
        unit_kind = row.indicator.unit_kind
        now = unit_cost(
            measure=measure,
            unit_kind=unit_kind,
            cost=cost_row.current.value,
            activity=row.current.value,
        )
        before = unit_cost(
            measure=measure,
            unit_kind=unit_kind,
            cost=cost_row.previous.value,
            activity=row.previous.value,
        )
        found[indicator_id] = ReportCost(
            cost_code=code,
            cost_title=title,
            measure=measure,
            cost=cost_row.current.value,
            unit_cost=now,
            previous_unit_cost=before,
            trend=unit_cost_trend(current=now, previous=before),
        )
    return found
