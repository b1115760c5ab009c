"""Read an uploaded values or targets file into canonical columns and numbered rows of text.

The bytes are read by the one tabular reader (`core.tabular`: encodings, separators, the
binary check, size, row and column limits, XLSX formulas kept as typed text); this module
maps the header to our columns and each cell to the text the uploader sees.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

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


# The columns that hold numbers: a spreadsheet's numeric cell in one of them is kept as the
# number it is, never turned into text and read back.
NUMBER_COLUMNS = frozenset({"value", "numerator", "denominator", "target"})


@dataclass(frozen=True)
class Row:
    number: int
    cells: dict[str, str]  # canonical column name -> stripped text ("" when empty)
    # XLSX numeric cells of NUMBER_COLUMNS as exact Decimals (a float cell by its shortest
    # repr: 12.5, not 12.4999...); their text in `cells` is for showing only.
    numbers: dict[str, Decimal] = field(default_factory=dict)
    # Columns whose XLSX cell was formatted as a percentage: `numbers` holds what Excel stores
    # (0.125) and `cells` what it shows ("12.5%"); the importer decides what it means.
    percent: frozenset[str] = frozenset()


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
        numbers = {}
        percent = set()
        for position, name in enumerate(names):
            if name is None:
                continue
            value = cells[position] if position < len(cells) else None
            values[name] = cell_text(value, column=name)
            if name in NUMBER_COLUMNS and _is_number(value):
                numbers[name] = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
                if position in raw_row.percent:
                    percent.add(name)
                    values[name] = f"{format((numbers[name] * 100).normalize(), 'f')}%"
        rows.append(
            Row(
                number=raw_row.number,
                cells=values,
                numbers=numbers,
                percent=frozenset(percent),
            )
        )
    return Table(
        file_format=raw.file_format,
        columns=tuple(name for name in names if name is not None),
        rows=tuple(rows),
    )


def _is_number(cell: object) -> bool:
    """A spreadsheet number (CSV cells are always text); a non-finite float is left to the
    text reading, which refuses it."""
    if isinstance(cell, bool) or not isinstance(cell, int | float | Decimal):
        return False
    return not isinstance(cell, float) or cell - cell == 0
