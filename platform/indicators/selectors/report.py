"""The performance report for a period, and a PI's values with their trends.

The report reads everything in a fixed number of queries whatever the number of PIs: the PIs,
the values in the window the report needs, the targets in that window, the commentary, and the
settings. Status and trends are then worked out in Python by the pure domain functions.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import timezone

from goldenthread.platform.core.periods import (
    Period,
    PeriodError,
    PeriodType,
    period_containing,
    periods_between,
    previous_period,
    same_period_last_year,
    sub_periods,
)
from goldenthread.platform.indicators.domain.calculation import (
    CalculationError,
    Rollup,
    SubValue,
    roll_up,
)
from goldenthread.platform.indicators.domain.status import Polarity, Status, Tolerance
from goldenthread.platform.indicators.domain.trends import Trend, trend

from ..choices import RollupRule, ValueState, WorkflowStatus
from ..models import (
    Commentary,
    Indicator,
    IndicatorValue,
    PerformanceSettings,
    ServiceArea,
    Target,
)
from ..services.common import assess_indicator, parse_code
from .due import due_date_for


@dataclass(frozen=True)
class Reading:
    """A PI's figure for one period: stored directly, rolled up from shorter periods, or absent."""

    period: Period
    value: Decimal | None
    state: str  # a ValueState, or "missing" / "not_due" when nothing was entered
    workflow_status: str | None = None
    complete: bool = True
    row: IndicatorValue | None = None


@dataclass(frozen=True)
class ReportRow:
    indicator: Indicator
    current: Reading
    target: Decimal | None
    status: Status
    warning_threshold: Decimal | None
    tolerance: Tolerance | None
    previous: Reading
    short_trend: Trend
    last_year: Reading
    long_trend: Trend
    commentary: Commentary | None


@dataclass(frozen=True)
class Report:
    period: Period
    rows: list[ReportRow]

    @property
    def groups(self) -> list[tuple[ServiceArea | None, list[ReportRow]]]:
        """Rows by service area (in name order, PIs without one last), each sorted by code."""
        grouped: dict[Any, list[ReportRow]] = defaultdict(list)
        for row in self.rows:
            grouped[row.indicator.service_area].append(row)
        return sorted(
            grouped.items(), key=lambda item: (item[0] is None, item[0].name if item[0] else "")
        )


def _finer(report: Period, pi_type: PeriodType) -> bool:
    if pi_type == report.type:
        return False
    try:
        sub_periods(report, pi_type)
    except PeriodError:
        return False
    return True


@dataclass(frozen=True)
class _Plan:
    """Which of the PI's periods make up the current, previous and last-year readings."""

    current: Period
    previous: Period
    last_year: Period
    parts: dict[Period, list[Period]]  # reading period -> the PI's periods it is made of


def _window(indicator: Indicator, reading: Period) -> list[Period]:
    pi_type = indicator.period_type
    if indicator.year_to_date:
        year = period_containing(PeriodType.FINANCIAL_YEAR, reading.end)
        return periods_between(pi_type, year.start, reading.end)
    return sub_periods(reading, pi_type)


def _plan(indicator: Indicator, report: Period) -> _Plan:
    pi_type = indicator.period_type
    if _finer(report, pi_type):
        current = report
    else:
        current = period_containing(pi_type, report.end)
        if current.end > report.end:
            current = previous_period(current)
    previous, last_year = previous_period(current), same_period_last_year(current)
    if current.type == pi_type and not indicator.year_to_date:
        parts = {p: [p] for p in (current, previous, last_year)}
    else:
        parts = {p: _window(indicator, p) for p in (current, previous, last_year)}
    return _Plan(current=current, previous=previous, last_year=last_year, parts=parts)


def _rolled(values: list[Decimal], rule: str) -> Decimal | None:
    if not values:
        return None
    if rule == RollupRule.SUM:
        return sum(values, Decimal(0))
    if rule == RollupRule.LAST:
        return values[-1]
    return sum(values, Decimal(0)) / len(values)


class _Reader:
    def __init__(self, *, values, targets, settings, today, approved_only):
        self.values = values
        self.targets = targets
        self.settings = settings
        self.today = today
        self.approved_only = approved_only

    def _absent(self, indicator: Indicator, period: Period, parts: list[Period]) -> Reading:
        due = due_date_for(indicator, parts[-1], self.settings)
        state = "missing" if due < self.today else "not_due"
        return Reading(period=period, value=None, state=state)

    def reading(self, indicator: Indicator, period: Period, parts: list[Period]) -> Reading:
        found = [self.values.get((indicator.pk, part.code)) for part in parts]
        if self.approved_only:
            found = [
                row if row and row.workflow_status == WorkflowStatus.APPROVED else None
                for row in found
            ]
        present = [row for row in found if row is not None]
        if len(parts) == 1 and parts[0] == period:
            row = found[0]
            if row is None:
                return self._absent(indicator, period, parts)
            return Reading(
                period=period,
                value=row.value,
                state=row.state,
                workflow_status=row.workflow_status,
                row=row,
            )
        entered = [row for row in present if row.state == ValueState.ENTERED]
        if not entered:
            if present:
                return Reading(period=period, value=None, state=present[-1].state, complete=False)
            return self._absent(indicator, period, parts)
        try:
            result = roll_up(
                rule=Rollup(indicator.rollup_rule),
                values=[
                    SubValue(value=row.value, numerator=row.numerator, denominator=row.denominator)
                    for row in entered
                ],
                factor=indicator.factor,
                expected_count=len(parts),
            )
        except CalculationError:
            # e.g. every denominator zero: there is no figure to report for the whole period.
            return Reading(period=period, value=None, state="missing", complete=False)
        workflow = {row.workflow_status for row in entered}
        return Reading(
            period=period,
            value=result.value,
            state=ValueState.ENTERED,
            workflow_status=workflow.pop() if len(workflow) == 1 else WorkflowStatus.DRAFT,
            complete=result.complete,
        )

    def target(self, indicator: Indicator, period: Period, parts: list[Period]) -> Decimal | None:
        own = self.targets.get((indicator.pk, period.code))
        if own is not None or parts == [period]:
            return own
        # No target for the longer period: roll up the PI's own periods' targets if all exist.
        part_targets = [self.targets.get((indicator.pk, part.code)) for part in parts]
        if any(value is None for value in part_targets):
            return None
        return _rolled(part_targets, indicator.rollup_rule)


def _row(indicator: Indicator, plan: _Plan, reader: _Reader, commentary) -> ReportRow:
    current = reader.reading(indicator, plan.current, plan.parts[plan.current])
    previous = reader.reading(indicator, plan.previous, plan.parts[plan.previous])
    last_year = reader.reading(indicator, plan.last_year, plan.parts[plan.last_year])
    row = current.row
    if row is not None and row.status:
        # A stored value keeps the status and thresholds it was assessed with.
        target = row.status_target
        status = Status(row.status)
        threshold = row.status_warning_threshold
        tolerance = (
            Tolerance(kind=row.status_tolerance_kind, amount=row.status_tolerance_amount)
            if row.status_tolerance_kind
            else None
        )
    else:
        target = reader.target(indicator, plan.current, plan.parts[plan.current])
        result = assess_indicator(
            indicator=indicator,
            value=current.value,
            target=target,
            settings=reader.settings,
            value_state=current.state,
        )
        status, threshold, tolerance = result.status, result.warning_threshold, result.tolerance
    polarity = Polarity(indicator.polarity)
    places = indicator.decimal_places
    return ReportRow(
        indicator=indicator,
        current=current,
        target=target,
        status=status,
        warning_threshold=threshold,
        tolerance=tolerance,
        previous=previous,
        short_trend=trend(
            current=current.value, previous=previous.value, polarity=polarity, decimal_places=places
        ),
        last_year=last_year,
        long_trend=trend(
            current=current.value,
            previous=last_year.value,
            polarity=polarity,
            decimal_places=places,
        ),
        commentary=commentary,
    )


# What the report reads of each value. Loading the rest too (five timestamps, the people and
# the notes of thousands of values) took longer than the query itself (see bench/report.py).
REPORT_VALUE_FIELDS = (
    "indicator",
    "sub_area",
    "period_code",
    "period_type",
    "period_start",
    "period_end",
    "value",
    "numerator",
    "denominator",
    "state",
    "workflow_status",
    "status",
    "status_target",
    "status_warning_threshold",
    "status_tolerance_kind",
    "status_tolerance_amount",
    "status_polarity",
)


def performance_report(
    *,
    period_code: str,
    service_area: ServiceArea | None = None,
    approved_only: bool = False,
    include_retired: bool = False,
    indicator_ids: list[int] | None = None,
    today: date | None = None,
) -> Report:
    """The report for a period (usually a quarter): per PI, grouped by service area and sorted
    by code, the current value and target, status, the previous period's value with the
    short-term trend, the same period last year with the long-term trend, and the newest
    commentary.

    A PI collected more often than the report period is rolled up to it (by its roll-up rule,
    or year to date); one collected less often shows its latest period ending within the
    report period. With `approved_only`, values not yet approved count as not entered.
    """
    report_period = parse_code(period_code)
    today = today or timezone.localdate()
    indicators = Indicator.objects.select_related("service_area", "owner").order_by("code")
    if not include_retired:
        indicators = indicators.filter(is_active=True)
    if service_area is not None:
        indicators = indicators.filter(service_area=service_area)
    if indicator_ids is not None:
        indicators = indicators.filter(pk__in=indicator_ids)
    indicators = list(indicators)
    plans = {indicator.pk: _plan(indicator, report_period) for indicator in indicators}
    settings = PerformanceSettings.load()
    if not indicators:
        return Report(period=report_period, rows=[])
    earliest = min(
        part.start for plan in plans.values() for parts in plan.parts.values() for part in parts
    )
    latest = max(plan.current.end for plan in plans.values())
    ids = [indicator.pk for indicator in indicators]
    values = {
        (row.indicator_id, row.period_code): row
        for row in IndicatorValue.objects.filter(
            indicator_id__in=ids,
            sub_area__isnull=True,
            period_start__gte=earliest,
            period_end__lte=latest,
        ).only(*REPORT_VALUE_FIELDS)
    }
    targets = {
        (indicator_id, period_code): value
        for indicator_id, period_code, value in Target.objects.filter(
            indicator_id__in=ids,
            sub_area__isnull=True,
            period_start__gte=earliest,
            period_end__lte=latest,
        ).values_list("indicator_id", "period_code", "value")
    }
    commentary: dict[tuple[int, str], Commentary] = {}
    for entry in (
        Commentary.objects.filter(
            indicator_id__in=ids, period_code__in={plan.current.code for plan in plans.values()}
        )
        .select_related("author")
        .order_by("-created_at")
    ):
        commentary.setdefault((entry.indicator_id, entry.period_code), entry)
    reader = _Reader(
        values=values, targets=targets, settings=settings, today=today, approved_only=approved_only
    )
    rows = [
        _row(
            indicator,
            plans[indicator.pk],
            reader,
            commentary.get((indicator.pk, plans[indicator.pk].current.code)),
        )
        for indicator in indicators
    ]
    rows.sort(
        key=lambda row: (
            row.indicator.service_area is None,
            row.indicator.service_area.name if row.indicator.service_area else "",
            row.indicator.code,
        )
    )
    return Report(period=report_period, rows=rows)


quarterly_report = performance_report


@dataclass(frozen=True)
class ValueWithTrends:
    value: IndicatorValue
    period: Period
    previous: IndicatorValue | None
    short_trend: Trend
    last_year: IndicatorValue | None
    long_trend: Trend


def indicator_values_with_trends(
    *, indicator: Indicator, sub_area_id: int | None = None
) -> list[ValueWithTrends]:
    """Every value of a PI (overall, or for one sub-area), oldest first, each with the previous
    period's and the same period last year's value and the trends against them."""
    rows = list(
        IndicatorValue.objects.filter(indicator=indicator, sub_area_id=sub_area_id)
        .select_related("entered_by", "submitted_by", "approved_by")
        .order_by("period_start")
    )
    by_code = {row.period_code: row for row in rows}
    polarity = Polarity(indicator.polarity)
    result = []
    for row in rows:
        period = Period(
            type=PeriodType(row.period_type), start=row.period_start, end=row.period_end
        )
        previous = by_code.get(previous_period(period).code)
        last_year = by_code.get(same_period_last_year(period).code)
        result.append(
            ValueWithTrends(
                value=row,
                period=period,
                previous=previous,
                short_trend=trend(
                    current=row.value,
                    previous=previous.value if previous else None,
                    polarity=polarity,
                    decimal_places=indicator.decimal_places,
                ),
                last_year=last_year,
                long_trend=trend(
                    current=row.value,
                    previous=last_year.value if last_year else None,
                    polarity=polarity,
                    decimal_places=indicator.decimal_places,
                ),
            )
        )
    return result
