"""Breakdowns by area or group on the partnership dashboard.

The dashboard already keeps a member's breakdown rows (ward, locality, group figures) only
where one of the reader's agreements in force grants "breakdowns"; this arranges them as one
table per shared indicator and period. Without such a grant there is nothing to show and the
page shows no breakdown section at all.
"""

from __future__ import annotations

from dataclasses import dataclass

from goldenthread.platform.core.periods import Period
from goldenthread.platform.indicators.domain.choices import SubAreaKind

from ..domain.choices import SharedField
from .dashboard import Dashboard, IndicatorFigures

KIND_LABELS = dict(SubAreaKind.choices)


@dataclass(frozen=True)
class BreakdownRow:
    member: str
    kind: str
    area: str
    state: str
    value: object
    revision: int


@dataclass(frozen=True)
class BreakdownTable:
    period: Period
    rows: list[BreakdownRow]


def grants_breakdowns(dashboard: Dashboard) -> bool:
    """Does any agreement in force through which the reader reads grant breakdowns?"""
    return any(SharedField.BREAKDOWNS in basis.fields for basis in dashboard.bases)


def breakdown_tables(item: IndicatorFigures) -> list[BreakdownTable]:
    """One table per period of the window that has breakdowns, newest period first."""
    tables = []
    for figure in reversed(item.figures):
        rows = [
            BreakdownRow(
                member=contribution.organisation.name,
                kind=KIND_LABELS.get(row.sub_area_kind, row.sub_area_kind or "Area"),
                area=row.sub_area_name,
                state=row.value_state,
                value=row.value,
                revision=row.revision,
            )
            for contribution in figure.contributions
            for row in sorted(
                contribution.breakdowns, key=lambda r: (r.sub_area_kind, r.sub_area_name)
            )
        ]
        if rows:
            tables.append(BreakdownTable(period=figure.period, rows=rows))
    return tables
