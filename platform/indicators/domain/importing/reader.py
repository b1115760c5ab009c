"""Read an uploaded values or targets file into canonical columns and numbered rows of text.

The bytes are read by the one tabular reader (`core.tabular`: encodings, separators, the
binary check, size, row and column limits, XLSX formulas kept as typed text); this module
maps the header to our columns and each cell to the text the uploader sees.
"""

from __future__ import annotations

from dataclasses import dataclass

from goldenthread.platform.core.tabular import (
    TabularFileError,
    TabularLimits,
    cell_text,
    read_table,
)

from .columns import Columns

# Override one in settings.TABULAR_IMPORT_LIMITS["indicator value"] (e.g. {"max_rows": 3}).
LIMITS = TabularLimits(
    name="indicator value", max_bytes=25 * 1024 * 1024, max_rows=100_000, max_columns=100
)


class ImportFileError(Exception):
    """The file as a whole cannot be read; the message says why, for the uploader."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Row:
    number: int
    cells: dict[str, str]  # canonical column name -> stripped text ("" when empty)


@dataclass(frozen=True)
class Table:
    file_format: str  # "csv" or "xlsx"
    columns: tuple[str, ...]  # canonical names present, in file order
    rows: tuple[Row, ...]


def read_file(data: bytes, *, file_name: str, columns: Columns) -> Table:
    """Read `data` (CSV or XLSX, told apart by content, then by name) for `columns`.

    Raises ImportFileError for a file the tabular reader refuses (empty, oversized, binary,
    unreadable, too many rows or columns), and for a header that lacks a required column or
    has one nobody knows.
    """
    try:
        raw = read_table(data, file_name=file_name, limits=LIMITS)
    except TabularFileError as error:
        raise ImportFileError(error.message) from None
    names = columns.resolve(raw.header)
    rows = []
    for raw_row in raw.rows:
        cells = raw_row.cells
        values = {}
        for position, name in enumerate(names):
            if name is None:
                continue
            value = cells[position] if position < len(cells) else None
            values[name] = cell_text(value, column=name)
        rows.append(Row(number=raw_row.number, cells=values))
    return Table(
        file_format=raw.file_format,
        columns=tuple(name for name in names if name is not None),
        rows=tuple(rows),
    )
