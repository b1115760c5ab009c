"""The PIs section of a pack, in each layout, read through the indicators' report selector
(`performance_report`): a fixed number of reports per pack (the period; the periods before it
for "off target for N periods"; the year's quarters, and the period with the report's year
columns — annual target, last year's outturn — for the corporate priorities layout), each a
fixed number of queries whatever the number of PIs."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from goldenthread.platform.core.periods import (
    Period,
    PeriodType,
    period_containing,
    periods_between,
    previous_period,
)
from goldenthread.platform.indicators.domain.status import Status
from goldenthread.platform.indicators.selectors.report import (
    ReportRow,
    ReportServiceArea,
    performance_report,
)

from ..domain.definitions import (
    MISSING,
    OFF_TARGET,
    RED_FOR_PERIODS,
    WARNING,
    DefinitionSpec,
)
from ..domain.pack import (
    NUMBER,
    STATUS,
    TEXT,
    TREND,
    PackCell,
    PackChart,
    PackColumn,
    PackGroup,
    PackRow,
    PackSeries,
)
from .pack_cells import (
    is_unapproved,
    reading_cell,
    status_cell,
    target_cell,
    trend_cell,
)
from .pack_insight import report_options

SHORT_TERM = "Against the previous period"
LONG_TERM = "Against the same period last year"
FILTER_STATUSES = {OFF_TARGET: Status.OFF_TARGET, WARNING: Status.WARNING, MISSING: Status.MISSING}


@dataclass(frozen=True)
class Grouping:
    """How rows are grouped: (title, key, level, the PI ids in the group or None for "every
    PI, by service area")."""

    groups: tuple[tuple[str, str, int, frozenset[int]], ...] | None


def _report(
    spec: DefinitionSpec,
    period: Period,
    ids,
    today,
    areas,
    *,
    year_columns: bool = False,
    options: dict[str, bool] | None = None,
) -> list[ReportRow]:
    return performance_report(
        period_code=period.code,
        approved_only=spec.approved_only,
        include_retired=spec.include_retired,
        indicator_ids=None if ids is None else list(ids),
        today=today,
        known_service_areas=areas,
        year_columns=year_columns,
        **(options or {}),
    ).rows


def pi_rows(
    *, spec: DefinitionSpec, period: Period, ids, today, areas: list[ReportServiceArea]
) -> list[ReportRow]:
    """The report's rows for the PIs in scope (`ids`; None for every PI), after the exception
    filters: a PI is kept when it meets any chosen filter."""
    # The optional columns' figures ride on the period's own report (`pack_insight`).
    rows = _report(spec, period, ids, today, areas, options=report_options(spec))
    if not spec.filters:
        return rows
    wanted = {FILTER_STATUSES[name] for name in spec.filters if name in FILTER_STATUSES}
    kept = {row.indicator.id for row in rows if row.status in wanted}
    if RED_FOR_PERIODS in spec.filters:
        kept |= _red_for(spec, period, rows, ids, today, areas)
    return [row for row in rows if row.indicator.id in kept]


def _red_for(spec, period, rows, ids, today, areas) -> set[int]:
    """PIs off target at this period and each of the N - 1 report periods before it."""
    red = {row.indicator.id for row in rows if row.status == Status.OFF_TARGET}
    earlier = period
    for _ in range(spec.red_periods - 1):
        if not red:
            break
        earlier = previous_period(earlier)
        before = _report(spec, earlier, sorted(red), today, areas)
        red = {row.indicator.id for row in before if row.status == Status.OFF_TARGET}
    return red


def grouped(
    rows: Sequence, grouping: Grouping, make: Callable[[object], PackRow]
) -> tuple[PackGroup, ...]:
    """Rows into groups: by strategy node when the scope says so (a PI under two priorities
    shows in both), else by service area in the report's order."""
    made = {row.indicator.id: make(row) for row in rows}
    if grouping.groups is None:
        by_area: dict[str, list[PackRow]] = {}
        for row in rows:
            area = row.indicator.service_area
            by_area.setdefault(area.name if area else "No service area", []).append(
                made[row.indicator.id]
            )
        return tuple(
            PackGroup(title=title, rows=tuple(items), key=f"area-{index}")
            for index, (title, items) in enumerate(by_area.items(), start=1)
        )
    return tuple(
        PackGroup(
            title=title,
            key=key,
            level=level,
            rows=tuple(made[row.indicator.id] for row in rows if row.indicator.id in members),
        )
        for title, key, level, members in grouping.groups
    )


# --- committee layout --------------------------------------------------------------------------

COMMITTEE_COLUMNS = (
    PackColumn("code", "Code", TEXT),
    PackColumn("title", "Indicator", TEXT),
    PackColumn("value", "Value", NUMBER),
    PackColumn("target", "Target", NUMBER),
    PackColumn("status", "Status", STATUS),
    PackColumn("previous", "Previous period", NUMBER),
    PackColumn("short_trend", "Short-term trend", TREND),
    PackColumn("last_year", "Same period last year", NUMBER),
    PackColumn("long_trend", "Long-term trend", TREND),
    PackColumn("commentary", "Latest commentary", TEXT),
)


def committee_row(row: ReportRow, period: Period) -> PackRow:
    pi = row.indicator
    current = row.current
    note = "" if current.period == period else current.period.label
    commentary = row.commentary
    said = PackCell(
        kind=TEXT,
        text=commentary.text if commentary else "",
        note=(
            f"{commentary.author or 'Unknown author'}, {commentary.created_at:%d %B %Y}"
            if commentary
            else ""
        ),
    )
    return PackRow(
        key=pi.code,
        title=pi.title,
        status=row.status.value,
        cells=(
            PackCell.of_text(pi.code),
            PackCell.of_text(pi.title),
            reading_cell(current, pi, note=note),
            target_cell(row.target, pi),
            status_cell(row.status, unapproved=is_unapproved(current)),
            reading_cell(row.previous, pi, note=row.previous.period.label),
            trend_cell(row.short_trend, against=SHORT_TERM),
            reading_cell(row.last_year, pi, note=row.last_year.period.label),
            trend_cell(row.long_trend, against=LONG_TERM),
            said,
        ),
    )


# --- corporate priorities layout ----------------------------------------------------------------


@dataclass(frozen=True)
class YearSoFar:
    """The quarters of the report's financial year up to the report period, the year, and the
    last completed year before it."""

    quarters: tuple[Period, ...]
    year: Period
    last_year: Period

    @classmethod
    def of(cls, period: Period) -> YearSoFar:
        year = period_containing(PeriodType.FINANCIAL_YEAR, period.end)
        quarters = periods_between(PeriodType.QUARTER, year.start, period.end)
        return cls(tuple(quarters), year, previous_period(year))


def priorities_columns(year: YearSoFar) -> tuple[PackColumn, ...]:
    columns = [PackColumn("code", "Code", TEXT), PackColumn("title", "Indicator", TEXT)]
    for number, quarter in enumerate(year.quarters, start=1):
        name = quarter.code.split()[-1]
        columns += [
            PackColumn(f"q{number}_value", f"{name} value", NUMBER),
            PackColumn(f"q{number}_target", f"{name} target", NUMBER),
        ]
    columns += [
        PackColumn("annual_target", f"Annual target {year.year.code}", NUMBER),
        PackColumn("outturn", f"Outturn {year.last_year.code}", NUMBER),
        PackColumn("status", "Status", STATUS),
    ]
    return tuple(columns)


@dataclass(frozen=True)
class YearReadings:
    """Per PI id: its row of each quarter, and its row of the report period with the year's
    columns (`ReportRow.year`: the annual target and last year's outturn, by the indicators
    report's own rules)."""

    quarters: tuple[dict[int, ReportRow], ...]
    year: dict[int, ReportRow]


def year_readings(
    *, spec: DefinitionSpec, period: Period, year: YearSoFar, ids, today, areas
) -> YearReadings:
    def by_id(rows: list[ReportRow]) -> dict[int, ReportRow]:
        return {row.indicator.id: row for row in rows}

    return YearReadings(
        quarters=tuple(
            by_id(_report(spec, quarter, ids, today, areas)) for quarter in year.quarters
        ),
        year=by_id(_report(spec, period, ids, today, areas, year_columns=True)),
    )


def priorities_row(row: ReportRow, readings: YearReadings) -> PackRow:
    pi = row.indicator
    cells = [PackCell.of_text(pi.code), PackCell.of_text(pi.title)]
    for quarter in readings.quarters:
        found = quarter.get(pi.id)
        if found is None:
            cells += [reading_cell(None, pi), target_cell(None, pi)]
        else:
            cells += [reading_cell(found.current, pi), target_cell(found.target, pi)]
    found = readings.year.get(pi.id)
    columns = found.year if found is not None else None
    cells += [
        target_cell(columns.annual_target if columns else None, pi),
        reading_cell(columns.outturn if columns else None, pi),
        status_cell(row.status, unapproved=is_unapproved(row.current)),
    ]
    return PackRow(key=pi.code, title=pi.title, status=row.status.value, cells=tuple(cells))


def priorities_chart(row: ReportRow, year: YearSoFar, readings: YearReadings) -> PackChart:
    """A PI's quarters so far: value and target (the table equivalent is its row)."""
    pi = row.indicator
    values, targets = [], []
    for quarter in readings.quarters:
        found = quarter.get(pi.id)
        values.append(found.current.value if found else None)
        targets.append(found.target if found else None)
    return PackChart(
        key=f"chart-{pi.code}",
        title=f"{pi.code} {pi.title}",
        description=(
            f"Each quarter's value and target for {year.year.code} so far; the same figures "
            "are in the table."
        ),
        period_codes=tuple(quarter.code for quarter in year.quarters),
        period_labels=tuple(quarter.label for quarter in year.quarters),
        series=(
            PackSeries("Value", tuple(values), "values"),
            PackSeries("Target", tuple(targets), "target"),
        ),
        unit=pi.unit_kind,
        decimals=pi.decimal_places,
    )
