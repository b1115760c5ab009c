"""Read an uploaded CSV or XLSX file into a header and numbered rows of text.

Cells are read as the text that was typed: an XLSX formula such as `=HYPERLINK(...)` arrives
as that string and is never evaluated (openpyxl with `data_only=False`), and nothing here
executes or follows anything in a cell. Row numbers are those a spreadsheet shows (the
header is row 1); blank rows are skipped but still counted.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import PurePath

from django.conf import settings

from .columns import Columns

MAX_FILE_BYTES = 25 * 1024 * 1024
DEFAULT_MAX_ROWS = 100_000

_ZIP_MAGIC = b"PK\x03\x04"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


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


def max_rows() -> int:
    return int(getattr(settings, "INDICATOR_IMPORT_MAX_ROWS", DEFAULT_MAX_ROWS))


def _is_blank(cells) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def cell_text(cell: object, *, column: str = "") -> str:
    """A cell as text, the way the uploader sees it in their spreadsheet."""
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "TRUE" if cell else "FALSE"
    if isinstance(cell, datetime | date):
        day = cell.date() if isinstance(cell, datetime) else cell
        # A spreadsheet turns "2025-04" typed into a period cell into 1 April 2025.
        if column == "period" and day.day == 1:
            return f"{day.year}-{day.month:02d}"
        return day.isoformat()
    if isinstance(cell, float):
        # repr() is the shortest text that reads back as the same float: 12.5, not 12.4999…
        return format(Decimal(repr(cell)), "f") if cell == cell else "nan"
    text = str(cell).strip()
    # Our templates write "'=…" so that spreadsheets show such text rather than run it.
    if text[:1] == "'" and text[1:2] in ("=", "+", "-", "@"):
        return text[1:]
    return text


def read_file(data: bytes, *, file_name: str, columns: Columns) -> Table:
    """Read `data` (CSV or XLSX, told apart by content, then by name) for `columns`.

    Raises ImportFileError for an empty, oversized, unreadable or unsupported file, and for a
    header that lacks a required column or has one nobody knows.
    """
    if not data or not data.strip():
        raise ImportFileError("The file is empty.")
    if len(data) > MAX_FILE_BYTES:
        raise ImportFileError(f"The file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB.")
    suffix = PurePath(file_name or "").suffix.lower()
    if data.startswith(_ZIP_MAGIC):
        file_format, header, raw_rows = "xlsx", *_xlsx_rows(data)
    elif data.startswith(_OLE2_MAGIC):
        raise ImportFileError("The file is an Excel 97-2003 workbook; save it as XLSX or CSV.")
    elif suffix in (".xlsx", ".xlsm"):
        raise ImportFileError(f"'{file_name}' is named as an XLSX workbook but is not one.")
    elif suffix and suffix not in (".csv", ".txt"):
        raise ImportFileError(f"'{file_name}' is not a CSV or XLSX file.")
    else:
        file_format, header, raw_rows = "csv", *_csv_rows(data)
    names = columns.resolve(header)
    rows = []
    for number, cells in raw_rows:
        values = {}
        for position, name in enumerate(names):
            if name is None:
                continue
            raw = cells[position] if position < len(cells) else None
            values[name] = cell_text(raw, column=name)
        rows.append(Row(number=number, cells=values))
    return Table(
        file_format=file_format,
        columns=tuple(name for name in names if name is not None),
        rows=tuple(rows),
    )


def _check_count(count: int) -> None:
    limit = max_rows()
    if count > limit:
        raise ImportFileError(
            f"The file has more than {limit:,} rows; split it into files of up to {limit:,}."
        )


def _csv_rows(data: bytes) -> tuple[list[str], list[tuple[int, tuple]]]:
    if b"\x00" in data[:4096]:
        raise ImportFileError("The file is not a CSV or XLSX file.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        try:
            # Excel's plain "CSV" on Windows is cp1252; its "CSV UTF-8" is what we prefer.
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            line = data[: error.start].count(b"\n") + 1
            raise ImportFileError(
                f"Line {line} of the file is not text we can read; save it as 'CSV UTF-8'."
            ) from None
    first_line = text.split("\n", 1)[0]
    # Spreadsheets in some locales save with semicolons; pick what the header line uses.
    delimiter = max(",;\t", key=first_line.count)
    header: list[str] | None = None
    rows: list[tuple[int, tuple]] = []
    try:
        for number, record in enumerate(
            csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), 1
        ):
            if _is_blank(record):
                continue
            if header is None:
                header = record
                continue
            rows.append((number, tuple(record)))
            _check_count(len(rows))
    except csv.Error as error:
        raise ImportFileError(f"The CSV cannot be read: {error}.") from None
    if header is None:
        raise ImportFileError("The file is empty.")
    return header, rows


def _xlsx_rows(data: bytes) -> tuple[list[str], list[tuple[int, tuple]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError):
        raise ImportFileError("The file is not a readable XLSX workbook.") from None
    except Exception:  # openpyxl has its own exception types for broken packages
        raise ImportFileError("The file is not a readable XLSX workbook.") from None
    try:
        if not workbook.worksheets:
            raise ImportFileError("The workbook has no worksheets.")
        header: list[str] | None = None
        rows: list[tuple[int, tuple]] = []
        for number, values in enumerate(workbook.worksheets[0].iter_rows(values_only=True), 1):
            if _is_blank(values):
                continue
            if header is None:
                header = [cell_text(value) for value in values]
                continue
            rows.append((number, values))
            _check_count(len(rows))
    finally:
        workbook.close()
    if header is None:
        raise ImportFileError("The file is empty: its first worksheet has no rows.")
    return header, rows
