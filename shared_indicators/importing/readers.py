"""Turn the bytes of a CSV or XLSX file into a header and numbered rows of raw cells.

Nothing here knows what the columns mean; `rows.py` does. Row numbers are the ones a
spreadsheet shows (the header is row 1), so blank rows are skipped but still counted.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from ..errors import CatalogueImportError, ImportProblem

# The national set has about 200 indicators; these bounds only stop a wrong or hostile file
# from tying up a worker, they are far above any real catalogue.
MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_DATA_ROWS = 5_000

CSV_SUFFIXES = {".csv", ".txt"}
XLSX_SUFFIXES = {".xlsx", ".xlsm"}
ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


@dataclass(frozen=True)
class RawRow:
    number: int
    cells: tuple[object, ...]


@dataclass(frozen=True)
class RawTable:
    header: tuple[str, ...]
    rows: tuple[RawRow, ...]
    file_format: str  # "csv" or "xlsx"


def _refuse(message: str, *, row: int | None = None) -> CatalogueImportError:
    return CatalogueImportError([ImportProblem(message, row=row)])


def _is_blank(cells) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def read_table(data: bytes, *, source_name: str) -> RawTable:
    """Read `data` as CSV or XLSX, chosen by content first and the file name second.

    Raises CatalogueImportError for an empty, oversized, unreadable or unsupported file.
    """
    if not data or not data.strip():
        raise _refuse("The file is empty.")
    if len(data) > MAX_FILE_BYTES:
        raise _refuse(f"The file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB.")
    suffix = PurePath(source_name or "").suffix.lower()
    if data.startswith(ZIP_MAGIC):
        return _read_xlsx(data)
    if data.startswith(OLE2_MAGIC):
        raise _refuse("The file is an old Excel 97-2003 workbook; save it as XLSX or CSV.")
    if suffix in XLSX_SUFFIXES:
        raise _refuse(f"'{source_name}' is named as an XLSX workbook but is not one.")
    if suffix and suffix not in CSV_SUFFIXES:
        raise _refuse(f"'{source_name}' is not a CSV or XLSX file; save the catalogue as either.")
    return _read_csv(data)


def _read_csv(data: bytes) -> RawTable:
    if b"\x00" in data[:4096]:
        # Text never starts with NUL bytes; binaries (PDF, images, …) have them early on.
        raise _refuse("The file is not a CSV or XLSX file; save the catalogue as either.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        row = data[: exc.start].count(b"\n") + 1
        raise _refuse(
            f"The file is not UTF-8 text (byte 0x{data[exc.start]:02x} cannot be read); "
            "save it as 'CSV UTF-8'.",
            row=row,
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    header: tuple[str, ...] | None = None
    rows: list[RawRow] = []
    number = 0
    try:
        for record in reader:
            number += 1
            if header is None:
                if _is_blank(record):
                    continue
                header = tuple(record)
                continue
            if _is_blank(record):
                continue
            rows.append(RawRow(number=number, cells=tuple(record)))
            if len(rows) > MAX_DATA_ROWS:
                raise _refuse(f"The file has more than {MAX_DATA_ROWS} rows.")
    except csv.Error as exc:
        raise _refuse(f"The CSV cannot be read: {exc}.", row=number + 1) from None
    if header is None:
        raise _refuse("The file is empty.")
    return RawTable(header=header, rows=tuple(rows), file_format="csv")


def _read_xlsx(data: bytes) -> RawTable:
    from openpyxl import load_workbook

    try:
        # data_only=False: a formula is imported as the text that was typed, never evaluated.
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        raise _refuse(
            f"The file is not a readable XLSX workbook ({type(exc).__name__}); "
            "save the catalogue as CSV or XLSX."
        ) from None
    except Exception:  # openpyxl raises its own exception types for malformed packages
        raise _refuse(
            "The file is not a readable XLSX workbook; save the catalogue as CSV or XLSX."
        ) from None
    try:
        if not workbook.worksheets:
            raise _refuse("The workbook has no worksheets.")
        sheet = workbook.worksheets[0]
        header: tuple[str, ...] | None = None
        rows: list[RawRow] = []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            if _is_blank(values):
                continue
            if header is None:
                header = tuple("" if value is None else str(value) for value in values)
                continue
            rows.append(RawRow(number=number, cells=tuple(values)))
            if len(rows) > MAX_DATA_ROWS:
                raise _refuse(f"The workbook has more than {MAX_DATA_ROWS} rows.")
    finally:
        workbook.close()
    if header is None:
        raise _refuse("The file is empty: its first worksheet has no rows.")
    return RawTable(header=header, rows=tuple(rows), file_format="xlsx")
