"""The optional PI columns of a pack (a definition's `cost`, `data_quality`, `persistence`),
as the quarterly report has them: the cost PI's figure and the unit cost beside each PI with a
cost measure, the data-quality score in words, and how many periods in a row the PI has been
off target with the SPC verdict.

The figures come with the report rows the pack already reads (`performance_report(cost=True,
data_quality=True, persistence=True)`), so they cost a fixed number of queries however many
PIs there are. The cells are appended after a layout's own columns, so every output draws
them as it draws any column, and a frozen pack stores them in its JSON like any cell.
"""

from __future__ import annotations

from dataclasses import replace

from goldenthread.platform.indicators.domain.cost import UNIT_COST, UNIT_COST_PLACES
from goldenthread.platform.indicators.domain.trends import TREND_PRESENTATION
from goldenthread.platform.indicators.selectors.report import ReportRow

from ..domain.definitions import COST, DATA_QUALITY, PERSISTENCE, DefinitionSpec
from ..domain.pack import NUMBER, TEXT, PackCell, PackColumn, PackRow
from .pack_cells import DASH

MONEY = "money"
SPEND_PLACES = 0
COLUMNS = {
    COST: (PackColumn("cost", "Cost", NUMBER), PackColumn("unit_cost", "Unit cost", NUMBER)),
    DATA_QUALITY: (PackColumn("data_quality", "Data quality", TEXT),),
    PERSISTENCE: (PackColumn("off_target_run", "Off target in a row", TEXT),),
}


def report_options(spec: DefinitionSpec) -> dict[str, bool]:
    """What to ask the indicators report for (its keyword arguments)."""
    return {"cost": spec.cost, "data_quality": spec.data_quality, "persistence": spec.persistence}


def extra_columns(spec: DefinitionSpec) -> tuple[PackColumn, ...]:
    return tuple(column for name in spec.extra_columns for column in COLUMNS[name])


def with_extra_cells(made: PackRow, row: ReportRow, spec: DefinitionSpec) -> PackRow:
    """`made` (a layout's row) with the chosen optional cells after its own."""
    if not spec.extra_columns:
        return made
    cells: list[PackCell] = []
    if spec.cost:
        cells += cost_cells(row.cost)
    if spec.data_quality:
        found = row.data_quality
        cells.append(PackCell.of_text(found.summary if found is not None else DASH))
    if spec.persistence:
        cells.append(PackCell.of_text(persistence_words(row.persistence)))
    return replace(made, cells=(*made.cells, *cells))


def cost_cells(cost) -> tuple[PackCell, PackCell]:
    """The cost PI's figure for the period (spend, or the unit cost it measures) and the unit
    cost with its trend: money, as numbers. A PI without a cost measure has dashes."""
    if cost is None:
        return (
            PackCell(kind=NUMBER, text=DASH, unit=MONEY),
            PackCell(kind=NUMBER, text=DASH, unit=MONEY, decimals=UNIT_COST_PLACES),
        )
    places = UNIT_COST_PLACES if cost.measure == UNIT_COST else SPEND_PLACES
    measure = "unit cost" if cost.measure == UNIT_COST else "spend"
    spent = PackCell(
        kind=NUMBER,
        text=_money(cost.cost, places),
        number=cost.cost,
        unit=MONEY,
        decimals=places,
        note=f"{cost.cost_code} {cost.cost_title} ({measure})",
    )
    if cost.unit_cost is None:
        why = "no cost figure" if cost.cost is None else "no unit cost: the PI is not a count"
        unit = PackCell(
            kind=NUMBER, text=DASH, unit=MONEY, decimals=UNIT_COST_PLACES, note=f"None ({why})"
        )
    else:
        trend = TREND_PRESENTATION[cost.trend].label
        unit = PackCell(
            kind=NUMBER,
            text=_money(cost.unit_cost, UNIT_COST_PLACES),
            number=cost.unit_cost,
            unit=MONEY,
            decimals=UNIT_COST_PLACES,
            note=f"Per unit; {trend.lower()} against the previous period",
        )
    return spent, unit


def persistence_words(found) -> str:
    """ "Off target 3 periods in a row; special cause concerning", as of the period's end."""
    if found is None:
        return DASH
    count = found.off_target_periods
    run = (
        f"Off target {count} period{'s' if count != 1 else ''} in a row"
        if count
        else "Not off target"
    )
    return f"{run}; special cause concerning" if found.special_cause_concerning else run


def _money(amount, places: int) -> str:
    if amount is None:
        return DASH
    return f"£{amount:,.{places}f}"
