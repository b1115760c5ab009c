"""The performance report for a period, and a PI's values with their trends.

The report reads everything in a fixed number of queries whatever the number of PIs: the
settings, the service areas, the PIs, the values of just the periods the report compares,
the targets of the report's period, and its newest commentary. Status and trends are then
worked out in Python by the pure domain functions.

It is the page a large council opens most (600 PIs), so the hot path is kept lean (see
bench/report.py): the reads are written-out SQL into named tuples, not model instances
(`report_data.py`); each distinct period plan (period type, year to date) is worked out once
rather than per PI, with its period codes; readings and rows are named tuples too, and a
reading of one stored value (most of them) takes a short path.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

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
from goldenthread.platform.indicators.domain.data_quality import QualityScore
from goldenthread.platform.indicators.domain.forecast import Forecast
from goldenthread.platform.indicators.domain.part_year import (
    NO_YEAR_TO_DATE_TARGET,
    period_target,
    target_for_periods,
    year_of,
)
from goldenthread.platform.indicators.domain.status import Polarity, Status, Tolerance
from goldenthread.platform.indicators.domain.trends import Trend, trend

from ..domain.choices import ValueState, WorkflowStatus
from ..domain.forecast import PAST_YEARS, forecast_from_values
from ..models import Indicator, IndicatorValue, PerformanceSettings, ServiceArea
from ..models.indicators import period_type_of
from ..services.common import assess_indicator, parse_code
from .cost import ReportCost, report_costs
from .data_quality import quality_by_indicator
from .due import due_date_for
from .report_data import (
    ReportCommentary,
    ReportIndicator,
    ReportReader,
    ReportServiceArea,
    ReportSubArea,
    StoredValue,
    service_areas,
)
from .spc import Persistence, persistence_by_indicator

__all__ = [
    "Reading",
    "Report",
    "ReportCommentary",
    "ReportIndicator",
    "ReportRow",
    "ReportServiceArea",
    "StoredValue",
    "ValueWithTrends",
    "indicator_values_with_trends",
    "performance_report",
    "service_areas",
]


class Reading(NamedTuple):
    """A PI's figure for one period: stored directly, rolled up from shorter periods, or absent."""

    period: Period
    value: Decimal | None
    state: str  # a ValueState, or "missing" / "not_due" when nothing was entered
    workflow_status: str | None = None
    complete: bool = True
    row: StoredValue | None = None
    # A roll-up with a period missing: the codes of the periods it holds, and whether it is a
    # year or a year to date (a part year, never rated against the whole year's target).
    present_codes: tuple[str, ...] = ()
    expected_count: int = 0
    part_year: bool = False


class YearColumns(NamedTuple):
    """The report's optional year columns (`performance_report(year_columns=True)`): the year
    to date at the current reading with its target, the year's target, and last year's
    outturn (last year's whole-year figure)."""

    year_to_date: Reading
    year_to_date_target: Decimal | None
    year_to_date_target_words: str
    annual_target: Decimal | None
    outturn: Reading


class SubAreaRow(NamedTuple):
    """One sub-area's figure for a PI's current reading, rated against the sub-area's own
    target, else the PI's overall one (as a stored value of the sub-area is)."""

    name: str
    kind: str
    reading: Reading
    target: Decimal | None
    target_words: str
    status: Status


class ReportRow(NamedTuple):
    indicator: ReportIndicator
    current: Reading
    target: Decimal | None
    status: Status
    warning_threshold: Decimal | None
    tolerance: Tolerance | None
    previous: Reading
    short_trend: Trend
    last_year: Reading
    long_trend: Trend
    commentary: ReportCommentary | None
    # Why there is no target to compare with (a part year without a profiled target), or "".
    target_words: str = ""
    year: YearColumns | None = None
    sub_areas: tuple[SubAreaRow, ...] = ()
    # The year-end forecast of the current reading's year, when asked for (`forecast=True`).
    forecast: Forecast | None = None
    # The cost beside the figure (`cost=True`, PIs with a cost measure; `selectors.cost`).
    cost: ReportCost | None = None
    # The PI's data-quality score (`data_quality=True`; `selectors.data_quality`).
    data_quality: QualityScore | None = None
    # Off target N periods in a row and SPC's special cause concerning, as of the report
    # period's end (`persistence=True`; `selectors.spc.persistence_by_indicator`).
    persistence: Persistence | None = None


@dataclass(frozen=True)
class Report:
    period: Period
    # Rows by service area (in name order, PIs without one last), each sorted by code: grouped
    # once, as the rows are built.
    groups: list[tuple[ReportServiceArea | None, list[ReportRow]]]

    @property
    def rows(self) -> list[ReportRow]:
        """Every row, in the groups' order."""
        return [row for _, rows in self.groups for row in rows]


def _finer(report: Period, pi_type: PeriodType) -> bool:
    if pi_type == report.type:
        return False
    try:
        sub_periods(report, pi_type)
    except PeriodError:
        return False
    return True


@dataclass(frozen=True)
class _Span:
    """One reading's period and the PI's periods it is made of, with their codes (a period's
    code is computed on each access, and the report looks codes up thousands of times)."""

    period: Period
    code: str
    parts: tuple[Period, ...]
    part_codes: tuple[str, ...]
    direct: bool  # the reading is one stored value of the PI's own period (nothing to roll up)


@dataclass(frozen=True)
class _Plan:
    """Which of the PI's periods make up the current, previous and last-year readings. The same
    for every PI of one period type and year-to-date setting, so worked out once for each."""

    current: _Span
    previous: _Span
    last_year: _Span
    # The year the current reading belongs to, the PI's periods of it (for the annual
    # target's profile), and, for the year columns, the year to date and last year's year.
    year: Period
    year_parts: tuple[Period, ...]
    year_to_date: _Span
    outturn: _Span


def _window(pi_type: PeriodType, year_to_date: bool, reading: Period) -> list[Period]:
    if year_to_date:
        year = period_containing(PeriodType.FINANCIAL_YEAR, reading.end)
        return periods_between(pi_type, year.start, reading.end)
    return sub_periods(reading, pi_type)


def _span(period: Period, parts: list[Period]) -> _Span:
    return _Span(
        period=period,
        code=period.code,
        parts=tuple(parts),
        part_codes=tuple(part.code for part in parts),
        direct=parts == [period],
    )


def _plan(pi_type: PeriodType, year_to_date: bool, report: Period) -> _Plan:
    if _finer(report, pi_type):
        current = report
    else:
        current = period_containing(pi_type, report.end)
        if current.end > report.end:
            current = previous_period(current)
        elif current == report:
            current = report  # the same object: the page can tell a reading of it at a glance
    readings = (current, previous_period(current), same_period_last_year(current))
    if current.type == pi_type and not year_to_date:
        spans = [_span(p, [p]) for p in readings]
    else:
        spans = [_span(p, _window(pi_type, year_to_date, p)) for p in readings]
    year = current if current.type in YEAR_TYPES else year_of(current)
    try:
        year_parts = tuple(sub_periods(year, pi_type))
    except PeriodError:
        year_parts = ()  # an annual PI of another year basis: no profile
    last_year = previous_period(year)
    so_far = current if current.type == pi_type else period_containing(pi_type, current.end)
    return _Plan(
        *spans,
        year=year,
        year_parts=year_parts,
        year_to_date=_year_to_date_span(current, year_parts, so_far, year_to_date),
        outturn=_span(last_year, list(_parts_or_self(last_year, pi_type))),
    )


def _year_to_date_span(
    current: Period, year_parts: tuple[Period, ...], so_far: Period, year_to_date: bool
) -> _Span:
    span = _span(current, [p for p in year_parts if p.start <= so_far.start] or [so_far])
    if year_to_date or span.direct:
        return span
    # The quarter's own target is not the year to date's (only a PI reported year to date has
    # running targets): a code no target has, so the periods' targets are combined instead.
    return _Span(span.period, f"{span.code} year to date", span.parts, span.part_codes, False)


def _parts_or_self(period: Period, pi_type: PeriodType) -> list[Period]:
    try:
        return sub_periods(period, pi_type)
    except PeriodError:
        return [period_containing(pi_type, period.end)]


YEAR_TYPES = (PeriodType.FINANCIAL_YEAR, PeriodType.CALENDAR_YEAR, PeriodType.ACADEMIC_YEAR)
NO_PART_TARGET = "No target for the periods entered"
NOTHING: dict = {}  # what a period no PI has a value (target, commentary) for has
STATUSES = {status.value: status for status in Status}  # looked up, quicker than converted


class _Reader:
    def __init__(self, *, values, targets, settings, today, approved_only):
        # By period code, then PI: ids as keys rather than (PI, period) tuples, which a report
        # would hold thousands of (bench/report.py).
        self.values: dict[str, dict[int, StoredValue]] = values
        self.targets: dict[str, dict[int, Decimal]] = targets
        self.settings = settings
        self.today = today
        self.approved_only = approved_only
        self._due: dict[tuple[Any, Any, Period], date] = {}
        self._tolerances: dict[tuple[str, Decimal | None], Tolerance] = {}

    def _absent(self, indicator: ReportIndicator, span: _Span) -> Reading:
        last = span.parts[-1]
        # Due dates depend only on the PI's due day and lag, mostly the organisation's.
        key = (indicator.due_day_of_following_month, indicator.due_lag_months, last)
        due = self._due.get(key)
        if due is None:
            due = self._due[key] = due_date_for(indicator, last, self.settings)
        state = "missing" if due < self.today else "not_due"
        return Reading(span.period, None, state)

    def reading(self, indicator: ReportIndicator, span: _Span) -> Reading:
        if span.direct:
            # Most readings: one stored value of the PI's own period.
            row = self.values.get(span.code, NOTHING).get(indicator.id)
            if row is None or (
                self.approved_only and row.workflow_status != WorkflowStatus.APPROVED
            ):
                return self._absent(indicator, span)
            return Reading(span.period, row.value, row.state, row.workflow_status, True, row)
        pk = indicator.id
        found = [self.values.get(code, NOTHING).get(pk) for code in span.part_codes]
        if self.approved_only:
            found = [
                row if row and row.workflow_status == WorkflowStatus.APPROVED else None
                for row in found
            ]
        present = [row for row in found if row is not None]
        entered = [row for row in present if row.state == ValueState.ENTERED]
        part_year = span.period.type in YEAR_TYPES or (
            span.period.type == indicator.period_type and len(span.parts) > 1
        )
        if not entered:
            if present:
                return Reading(
                    period=span.period, value=None, state=present[-1].state, complete=False
                )
            return self._absent(indicator, span)
        try:
            result = roll_up(
                rule=Rollup(indicator.rollup_rule),
                values=[
                    SubValue(value=row.value, numerator=row.numerator, denominator=row.denominator)
                    for row in entered
                ],
                factor=indicator.factor,
                expected_count=len(span.parts),
            )
        except CalculationError:
            # e.g. every denominator zero: there is no figure to report for the whole period.
            return Reading(period=span.period, value=None, state="missing", complete=False)
        workflow = {row.workflow_status for row in entered}
        return Reading(
            period=span.period,
            value=result.value,
            state=ValueState.ENTERED,
            workflow_status=workflow.pop() if len(workflow) == 1 else WorkflowStatus.DRAFT,
            complete=result.complete,
            present_codes=tuple(row.period_code for row in entered),
            expected_count=len(span.parts),
            part_year=part_year and not result.complete,
        )

    def target(
        self, indicator: ReportIndicator, span: _Span, plan: _Plan, reading: Reading
    ) -> tuple[Decimal | None, str]:
        """The target `reading` of `span` is compared with, and why there is none (or "").

        A whole period: its own target, else its parts' combined. A part year (or part
        period): only the parts it holds, never the whole's target (`domain.part_year`).
        A period without a target of its own takes the annual target profiled onto it when
        the PI falls back to it."""
        pk = indicator.id
        own = self.targets.get(span.code, NOTHING).get(pk)
        falls_back = indicator.falls_back_to_annual_target
        if span.direct:
            if own is not None or not falls_back:
                return own, ""
            return self._annual_share(indicator, span.period, plan), ""
        if reading.value is None and own is not None:
            return own, ""  # nothing to rate: the status says missing or not collected
        by_period = {
            part: value
            for part, code in zip(span.parts, span.part_codes, strict=True)
            if (value := self.targets.get(code, NOTHING).get(pk)) is not None
        }
        annual = self.targets.get(plan.year.code, NOTHING).get(pk) if falls_back else None
        # With no value at all the whole period's target is shown beside its "Missing".
        present = set(reading.present_codes) if reading.value is not None else set(span.part_codes)
        result = target_for_periods(
            periods=span.parts,
            present=[part for part in span.parts if part.code in present],
            rule=Rollup(indicator.rollup_rule),
            targets=by_period,
            whole_target=own,
            cumulative=indicator.year_to_date,
            annual=annual,
            year_periods=plan.year_parts,
            use_annual=falls_back,
            decimal_places=indicator.decimal_places,
        )
        if result.target is None and result.part_year:
            return None, NO_YEAR_TO_DATE_TARGET if reading.part_year else NO_PART_TARGET
        return result.target, ""

    def _annual_share(
        self, indicator: ReportIndicator, period: Period, plan: _Plan
    ) -> Decimal | None:
        annual = self.targets.get(plan.year.code, NOTHING).get(indicator.id)
        if annual is None or period not in plan.year_parts or plan.year == period:
            return None
        return period_target(
            period=period,
            targets={},
            rule=Rollup(indicator.rollup_rule),
            annual=annual,
            year_periods=plan.year_parts,
            use_annual=True,
            decimal_places=indicator.decimal_places,
        )

    def stored_tolerance(self, row: StoredValue) -> Tolerance | None:
        """The tolerance a stored status was assessed with (one instance per distinct one)."""
        if not row.status_tolerance_kind:
            return None
        key = (row.status_tolerance_kind, row.status_tolerance_amount)
        tolerance = self._tolerances.get(key)
        if tolerance is None:
            tolerance = self._tolerances[key] = Tolerance(*key)
        return tolerance


def _year_columns(indicator: ReportIndicator, plan: _Plan, reader: _Reader) -> YearColumns:
    so_far = reader.reading(indicator, plan.year_to_date)
    target, words = reader.target(indicator, plan.year_to_date, plan, so_far)
    return YearColumns(
        year_to_date=so_far,
        year_to_date_target=target,
        year_to_date_target_words=words,
        annual_target=reader.targets.get(plan.year.code, NOTHING).get(indicator.id),
        outturn=reader.reading(indicator, plan.outturn),
    )


def _row(
    indicator: ReportIndicator,
    plan: _Plan,
    reader: _Reader,
    commentary: ReportCommentary | None,
    year_columns: bool = False,
) -> ReportRow:
    current = reader.reading(indicator, plan.current)
    previous = reader.reading(indicator, plan.previous)
    last_year = reader.reading(indicator, plan.last_year)
    row = current.row
    words = ""
    if row is not None and row.status:
        # A stored value keeps the status and thresholds it was assessed with.
        target = row.status_target
        status = STATUSES.get(row.status) or Status(row.status)
        threshold = row.status_warning_threshold
        tolerance = reader.stored_tolerance(row)
    else:
        target, words = reader.target(indicator, plan.current, plan, current)
        result = assess_indicator(
            indicator=indicator,
            value=current.value,
            target=target,
            settings=reader.settings,
            value_state=current.state,
        )
        status, threshold, tolerance = result.status, result.warning_threshold, result.tolerance
    polarity = indicator.polarity
    places = indicator.decimal_places
    value = current.value
    return ReportRow(
        indicator,
        current,
        target,
        status,
        threshold,
        tolerance,
        previous,
        trend(current=value, previous=previous.value, polarity=polarity, decimal_places=places),
        last_year,
        trend(current=value, previous=last_year.value, polarity=polarity, decimal_places=places),
        commentary,
        words,
        _year_columns(indicator, plan, reader) if year_columns else None,
    )


def forecast_codes(year: Period, plan: _Plan) -> list[str]:
    """The period codes a forecast of `year` reads: its periods and the five past years'."""
    if len(plan.year_parts) < 2:
        return []
    pi_type = plan.year_parts[0].type
    codes, back = [], year
    for _ in range(PAST_YEARS + 1):
        try:
            codes.extend(p.code for p in sub_periods(back, pi_type))
        except PeriodError:
            break
        back = previous_period(back)
    return codes


def _forecast(indicator: ReportIndicator, plan: _Plan, reader: _Reader) -> Forecast | None:
    if len(plan.year_parts) < 2 or indicator.year_to_date:
        return None  # a yearly PI, or one reported year to date (already a running total)
    found = {}
    for code in forecast_codes(plan.year, plan):
        row = reader.values.get(code, NOTHING).get(indicator.id)
        if row is None or row.value is None:
            continue
        if reader.approved_only and row.workflow_status != WorkflowStatus.APPROVED:
            continue
        found[code] = row.value
    return forecast_from_values(
        rule=indicator.rollup_rule,
        polarity=indicator.polarity,
        period_type=plan.year_parts[0].type,
        year=plan.year,
        values=found,
        annual_target=reader.targets.get(plan.year.code, NOTHING).get(indicator.id),
    )


def performance_report(
    *,
    period_code: str,
    service_area: ServiceArea | ReportServiceArea | None = None,
    approved_only: bool = False,
    include_retired: bool = False,
    indicator_ids: list[int] | None = None,
    today: date | None = None,
    known_service_areas: list[ReportServiceArea] | None = None,
    year_columns: bool = False,
    sub_areas: bool = False,
    forecast: bool = False,
    cost: bool = False,
    data_quality: bool = False,
    persistence: bool = False,
) -> Report:
    """The report for a period (usually a quarter): per PI, grouped by service area and sorted
    by code, the current value and target, status, the previous period's value with the
    short-term trend, the same period last year with the long-term trend, and the newest
    commentary.

    A PI collected more often than the report period is rolled up to it (by its roll-up rule,
    or year to date); one collected less often shows its latest period ending within the
    report period. With `approved_only`, values not yet approved count as not entered.
    `known_service_areas`: the organisation's service areas (`service_areas()`), if the
    caller has read them already (the report page, for its form), so they are not read again.

    A year (or year to date) with a period missing is a part year: it is marked so and rated
    against the target of just the periods it holds, never the year's (`domain.part_year`).
    `year_columns`: each row also carries the year to date with its target, the year's
    target and last year's outturn (`YearColumns`), read in the same queries. `sub_areas`:
    each row also carries its sub-areas' figures for the current reading (`SubAreaRow`), read
    in two more queries whatever the number of PIs. `forecast`: each row also carries the
    year-end forecast of its year (`selectors.forecast`), from the year's and the five past
    years' values, read in the same query as the rest. `cost`: rows of PIs with a cost
    measure carry its figure and unit cost for the same period (`selectors.cost`: one query,
    plus the report's own for the cost PIs when there are any). `data_quality`: each row
    carries its PI's data-quality score (`selectors.data_quality`: at most four queries).
    `persistence`: each row carries how many periods in a row its PI has been off target and
    whether SPC says special cause concerning, up to the report period's end (two queries).
    """
    report_period = parse_code(period_code)
    today = today or timezone.localdate()
    read = ReportReader(
        include_retired=include_retired,
        service_area_id=service_area.pk if service_area is not None else None,
        indicator_ids=indicator_ids,
    )
    indicators = read.indicators(
        service_areas() if known_service_areas is None else known_service_areas
    )
    if not indicators:
        return Report(period=report_period, groups=[])
    # One plan per (period type, year to date); PIs are matched to theirs by the fields that
    # decide it, so the period type is worked out per kind of PI, not per PI.
    plans: dict[tuple[PeriodType, bool], _Plan] = {}
    plan_of: dict[tuple[str, str, bool], _Plan] = {}
    for kind in {(pi.frequency, pi.year_basis, pi.year_to_date) for pi in indicators}:
        key = (period_type_of(kind[0], kind[1]), kind[2])
        if key not in plans:
            plans[key] = _plan(*key, report_period)
        plan_of[kind] = plans[key]
    settings = PerformanceSettings.load()

    # Only the periods the report compares, not the PIs' whole history.
    def spans(plan: _Plan) -> tuple[_Span, ...]:
        if year_columns:
            return (plan.current, plan.previous, plan.last_year, plan.year_to_date, plan.outturn)
        return (plan.current, plan.previous, plan.last_year)

    codes = {code for plan in plans.values() for span in spans(plan) for code in span.part_codes}
    if forecast:
        codes |= {code for plan in plans.values() for code in forecast_codes(plan.year, plan)}
    values = read.values(codes)
    # Targets are compared with the current reading only (its own, or its parts' rolled up,
    # or the year's profiled), and the year to date's for the year columns.
    targets = read.targets(
        {
            code
            for plan in plans.values()
            for span in (plan.current, plan.year_to_date)
            if year_columns or span is plan.current
            for code in (span.code, *span.part_codes, plan.year.code)
        }
    )
    commentary = read.commentary({plan.current.code for plan in plans.values()})
    reader = _Reader(
        values=values, targets=targets, settings=settings, today=today, approved_only=approved_only
    )
    areas_of = _sub_area_reader(read, plans, reader) if sub_areas else None
    by_area: dict[ReportServiceArea | None, list[ReportRow]] = defaultdict(list)
    for indicator in indicators:
        plan = plan_of[(indicator.frequency, indicator.year_basis, indicator.year_to_date)]
        said = commentary.get(plan.current.code, NOTHING).get(indicator.id)
        row = _row(indicator, plan, reader, said, year_columns)
        if forecast:
            row = row._replace(forecast=_forecast(indicator, plan, reader))
        if areas_of is not None:
            row = row._replace(sub_areas=_sub_area_rows(indicator, plan, *areas_of))
        by_area[indicator.service_area].append(row)
    if cost or data_quality or persistence:
        _add_cost_and_quality(
            by_area,
            cost=cost,
            data_quality=data_quality,
            persistence=persistence,
            period_code=period_code,
            approved_only=approved_only,
            today=today,
            up_to=report_period.end,
        )
    # The PIs came in code order, and each service area's rows keep it.
    return Report(period=report_period, groups=sorted(by_area.items(), key=_area_order))


def _add_cost_and_quality(
    by_area: dict,
    *,
    cost: bool,
    data_quality: bool,
    persistence: bool,
    period_code: str,
    approved_only,
    today,
    up_to: date,
) -> None:
    rows = [row for area_rows in by_area.values() for row in area_rows]
    costs = (
        report_costs(rows=rows, period_code=period_code, approved_only=approved_only, today=today)
        if cost
        else {}
    )
    indicators = [row.indicator for row in rows]
    quality = quality_by_indicator(indicators) if data_quality else {}
    runs = persistence_by_indicator(indicators, up_to=up_to) if persistence else {}
    for area, area_rows in by_area.items():
        by_area[area] = [
            row._replace(
                cost=costs.get(row.indicator.id),
                data_quality=quality.get(row.indicator.id),
                persistence=runs.get(row.indicator.id),
            )
            for row in area_rows
        ]


def _sub_area_reader(
    read: ReportReader, plans: dict[tuple[PeriodType, bool], _Plan], overall: _Reader
) -> tuple[_Reader, dict[int, list[ReportSubArea]]]:
    """A reader of the sub-areas' figures: the same rules as the overall figures', over
    values and targets keyed by (PI, sub-area) rather than PI. A sub-area without a target of
    its own takes the PI's overall one."""
    codes = {code for plan in plans.values() for code in plan.current.part_codes}
    values, areas = read.sub_area_values(codes)
    target_codes = {
        code
        for plan in plans.values()
        for code in (plan.current.code, *plan.current.part_codes, plan.year.code)
    }
    own = read.sub_area_targets(target_codes)
    keys = {(pk, area.id) for pk, found in areas.items() for area in found}
    targets: dict[str, dict[tuple[int, int], Decimal]] = {}
    for code in target_codes:
        general = overall.targets.get(code, NOTHING)
        mine = own.get(code, NOTHING)
        targets[code] = {
            key: value for key in keys if (value := mine.get(key, general.get(key[0]))) is not None
        }
    reader = _Reader(
        values=values,
        targets=targets,
        settings=overall.settings,
        today=overall.today,
        approved_only=overall.approved_only,
    )
    return reader, areas


def _sub_area_rows(
    indicator: ReportIndicator,
    plan: _Plan,
    reader: _Reader,
    areas: dict[int, list[ReportSubArea]],
) -> tuple[SubAreaRow, ...]:
    rows = []
    for area in areas.get(indicator.id, ()):
        # The sub-area's figures are keyed by (PI, sub-area): the reader looks them up by the
        # "PI's id" it is given.
        keyed = indicator._replace(id=(indicator.id, area.id))
        row = _row(keyed, plan, reader, None)
        rows.append(
            SubAreaRow(area.name, area.kind, row.current, row.target, row.target_words, row.status)
        )
    return tuple(rows)


def _area_order(item: tuple[ReportServiceArea | None, Any]) -> tuple[bool, str]:
    """Service areas in name order, PIs without one last."""
    area = item[0]
    return (area is None, area.name if area is not None else "")


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
