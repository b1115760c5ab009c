"""A pack's sections as typed tables for the spreadsheet outputs (Excel and CSV), through the
one tabular writer (`core.exporting`): numbers stay numbers with their decimals and unit, and
a figure not yet approved is marked in its own cell (XLSX: words after the number) and named
in the row's "Not yet approved" column (both formats)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from goldenthread.platform.core.exporting import (
    Column,
    Number,
    column_date,
    column_number,
    column_text,
)

from ...domain.pack import DATE, NUMBER, PackSection
from .common import cell_value, mark_words

UNAPPROVED_COLUMN = "Not yet approved"


def has_groups(section: PackSection) -> bool:
    return any(group.title for group in section.groups)


def section_columns(section: PackSection) -> tuple[Column, ...]:
    columns: list[Column] = []
    if has_groups(section):
        columns.append(column_text("Group", width=30))
    for column in section.columns:
        if column.kind == NUMBER:
            columns.append(column_number(column.heading, width=14))
        elif column.kind == DATE:
            columns.append(column_date(column.heading))
        else:
            wide = column.key in ("title", "commentary", "narrative")
            columns.append(column_text(column.heading, width=50 if wide else None))
    columns.append(column_text(UNAPPROVED_COLUMN, width=24))
    return tuple(columns)


def section_rows(section: PackSection, *, mark_numbers: bool) -> Iterator[tuple]:
    """One tuple per row, in `section_columns` order. `mark_numbers`: put the mark into an
    unapproved number's cell too (XLSX number formats can; a CSV cell must stay a number)."""
    grouped = has_groups(section)
    for group in section.groups:
        for row in group.rows:
            values: list[object] = [group.title] if grouped else []
            unapproved: list[str] = []
            for column, cell in zip(section.columns, row.cells, strict=False):
                value = cell_value(cell)
                if cell.unapproved:
                    unapproved.append(column.heading)
                    if isinstance(value, Number) and mark_numbers:
                        value = replace(value, mark=mark_words(cell))
                    elif not isinstance(value, Number):
                        value = f"{cell.text} ({mark_words(cell)})"
                values.append(value)
            values.extend([None] * (len(section.columns) - len(row.cells)))
            values.append(", ".join(unapproved))
            yield tuple(values)
