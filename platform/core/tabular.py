"""The one reader of uploaded tables (CSV or XLSX), with one set of rules for every import.

Every import (indicator values, the shared catalogue, nearest neighbours) hands the bytes it
received to `read_table` and gets back a header and numbered rows of raw cells; what the
columns mean is the importer's business. The rules, the same for all of them:

- **What a file is** is told by its content first and its name second: a ZIP package is
  read as XLSX, an Excel 97-2003 workbook is refused with advice, a name other than
  .csv/.txt/.xlsx/.xlsm is refused, anything else must be text.
- **Binary files** (a PDF, an image, an archive renamed .csv) are refused before decoding:
  a known signature or a NUL byte in the first 4 KB says the file is not text.
- **Encodings**: UTF-8 with or without a byte-order mark; failing that cp1252, which is what
  Excel's plain "CSV" saves on Windows. Bytes neither can read are refused, naming the line.
- **Separators**: comma, semicolon or tab, whichever the header line uses most (outside
  quotes); spreadsheets in some locales save with semicolons.
- **Limits** (`TabularLimits`, one named set per import, overridable in
  `settings.TABULAR_IMPORT_LIMITS[<name>]`): file size, unpacked XLSX size, data rows and
  columns. Going over one is refused with a message naming the limit.
- **XLSX** is read with openpyxl in read-only mode and `data_only=False`, so a formula arrives
  as the text that was typed and is never evaluated. The sheet's declared dimension is NOT
  trusted (a file can declare `A1:XFD1048576` to make a reader pad every row to 16,384 cells
  and iterate a million empty rows): rows are read as stored and columns are capped as they
  are read.

- **Memory**: the reading itself runs in a forked child process whose address space is capped
  (`core.bounded`, `settings.TABULAR_READ_MEMORY_MB`): whatever a file unpacks to, the web
  process or worker that received it does not grow, and a file that needs more is refused
  as too large to read, naming the limit.

Row numbers are the ones a spreadsheet shows (the header is row 1); blank rows are skipped but
still counted, and a quoted CSV cell spanning lines is one row.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import PurePath

from django.conf import settings

from .bounded import MemoryCeilingReached, run_with_memory_ceiling

CSV_SUFFIXES = frozenset({".csv", ".txt"})
XLSX_SUFFIXES = frozenset({".xlsx", ".xlsm"})
ZIP_MAGIC = b"PK\x03\x04"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Signatures of files people upload by mistake; named so the refusal can say what it saw.
BINARY_SIGNATURES = {
    b"%PDF": "a PDF document",
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"\x1f\x8b": "a gzip archive",
    b"PK\x05\x06": "an empty ZIP archive",
    b"Rar!": "a RAR archive",
    b"7z\xbc\xaf": "a 7-Zip archive",
}
SNIFF_BYTES = 4096
SEPARATORS = (",", ";", "\t")
SEPARATOR_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}


class TabularFileError(Exception):
    """The file as a whole cannot be read; `message` says why, for the uploader, and `row`
    names the spreadsheet row when the problem is on one."""

    def __init__(self, message: str, *, row: int | None = None):
        super().__init__(message)
        self.message = message
        self.row = row


@dataclass(frozen=True)
class TabularLimits:
    """What one import accepts. `name` says whose limits they are in refusals and is the key
    of `settings.TABULAR_IMPORT_LIMITS` (a dict of field overrides) for this import."""

    name: str
    max_bytes: int
    max_rows: int
    max_columns: int
    # An XLSX is a ZIP: its unpacked parts are limited too, or a few MB could unpack to GB.
    unpacked_ratio: int = 20

    @property
    def max_unpacked_bytes(self) -> int:
        return self.max_bytes * self.unpacked_ratio

    def configured(self) -> TabularLimits:
        """These limits with the overrides settings give for `name` (tests and deployments
        lower or raise one limit without code)."""
        overrides = getattr(settings, "TABULAR_IMPORT_LIMITS", {}).get(self.name, {})
        return replace(self, **overrides) if overrides else self


@dataclass(frozen=True)
class RawRow:
    number: int  # the row a spreadsheet shows
    cells: tuple[object, ...]  # CSV: strings; XLSX: openpyxl values (str, number, date, …)
    # XLSX: the positions of numeric cells formatted as a percentage. Excel stores 12.5% as
    # 0.125 and shows it multiplied by 100; an importer that knows the column takes a
    # percentage must read such a cell as 12.5, not 0.125.
    percent: frozenset[int] = frozenset()


@dataclass(frozen=True)
class RawTable:
    file_format: str  # "csv" or "xlsx"
    header: tuple[str, ...]  # the first non-blank row, as text
    rows: tuple[RawRow, ...]


def is_blank(cells) -> bool:
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


def scales_by_100(number_format: str | None) -> bool:
    """Whether an Excel number format shows a number multiplied by 100 with a per cent sign
    (`0.0%`): a `%` outside quoted text and not escaped by a backslash (`0.0"%"` and `0\\%`
    only print the sign)."""
    if not number_format or "%" not in number_format:
        return False
    quoted = escaped = False
    for character in number_format:
        if escaped:
            escaped = False
        elif character == "\\":
            escaped = True
        elif character == '"':
            quoted = not quoted
        elif character == "%" and not quoted:
            return True
    return False


def _percent_positions(row: tuple) -> frozenset[int]:
    return frozenset(
        position
        for position, cell in enumerate(row)
        if isinstance(cell.value, int | float)
        and not isinstance(cell.value, bool)
        and scales_by_100(getattr(cell, "number_format", None))
    )


def _megabytes(count: int) -> str:
    if count < 1024 * 1024:
        return f"{count / 1024:g} KB"
    return f"{count / (1024 * 1024):g} MB"


def too_large(size: int, *, limits: TabularLimits) -> TabularFileError | None:
    """The refusal of a file of `size` bytes, if that is over `limits.max_bytes`."""
    if size <= limits.max_bytes:
        return None
    return TabularFileError(
        f"The file is larger than {_megabytes(limits.max_bytes)}, the limit for "
        f"{limits.name} files."
    )


def check_size(data: bytes, *, limits: TabularLimits) -> None:
    """Refuse an empty file or one over `limits.max_bytes`: the one check that is safe to make
    where a file is received (it reads nothing but the length), before reading it elsewhere."""
    refusal = too_large(len(data), limits=limits)
    if refusal is not None:
        raise refusal
    if not data or not data.strip():
        raise TabularFileError("The file is empty.")


def read_table(data: bytes, *, file_name: str, limits: TabularLimits) -> RawTable:
    """Read `data` (see the module docstring for the rules) within `limits`.

    Raises TabularFileError for an empty, oversized, binary, unreadable or unsupported file,
    and for one with more rows or columns than the limits allow."""
    limits = limits.configured()
    check_size(data, limits=limits)
    try:
        return run_with_memory_ceiling(_read_checked, data, file_name=file_name, limits=limits)
    except MemoryCeilingReached as reached:
        raise TabularFileError(
            f"The file is too large to read: reading it needed more than {reached.megabytes} "
            f"MB of memory, the limit for reading an uploaded file "
            "(settings.TABULAR_READ_MEMORY_MB). Split it into smaller files, and check that "
            "it holds only the rows and columns you mean to import."
        ) from None


def _read_checked(data: bytes, *, file_name: str, limits: TabularLimits) -> RawTable:
    """`read_table`'s reading, in the child process with the memory ceiling."""
    suffix = PurePath(file_name or "").suffix.lower()
    if data.startswith(ZIP_MAGIC):
        return _read_xlsx(data, limits=limits)
    if data.startswith(OLE2_MAGIC):
        raise TabularFileError("The file is an old Excel 97-2003 workbook; save it as XLSX or CSV.")
    if suffix in XLSX_SUFFIXES:
        raise TabularFileError(f"'{file_name}' is named as an XLSX workbook but is not one.")
    if suffix and suffix not in CSV_SUFFIXES:
        raise TabularFileError(f"'{file_name}' is not a CSV or XLSX file. Save it as either.")
    _refuse_binary(data)
    return _read_csv(data, limits=limits)


def _refuse_binary(data: bytes) -> None:
    for signature, kind in BINARY_SIGNATURES.items():
        if data.startswith(signature):
            raise TabularFileError(
                f"The file is not a CSV or XLSX file (it is {kind}). Save it as either."
            )
    if b"\x00" in data[:SNIFF_BYTES]:
        # Text never has NUL bytes near its start; binaries (and UTF-16 text) do.
        raise TabularFileError(
            "The file is not a CSV or XLSX file (it holds binary data). Save it as either, "
            "as 'CSV UTF-8' for text."
        )


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        # Excel's plain "CSV" on Windows is cp1252; its "CSV UTF-8" is what we prefer.
        return data.decode("cp1252")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise TabularFileError(
            f"Line {line} of the file is not text we can read (byte 0x{data[error.start]:02x}); "
            "save it as 'CSV UTF-8'.",
            row=line,
        ) from None


def sniff_separator(line: str) -> str:
    """The separator a header line uses most, counting only outside quotes; comma on a tie
    (a one-column file has none)."""
    counts = dict.fromkeys(SEPARATORS, 0)
    quoted = False
    for character in line:
        if character == '"':
            quoted = not quoted
        elif not quoted and character in counts:
            counts[character] += 1
    return max(SEPARATORS, key=lambda separator: counts[separator])  # first wins a tie


def _capped(cells: tuple, *, number: int, limits: TabularLimits) -> tuple:
    """The row cut to `max_columns`, refusing it when a cell beyond the cap holds anything."""
    if len(cells) <= limits.max_columns:
        return cells
    extra = cells[limits.max_columns :]
    # count(None) runs in C: a row padded to 16,384 empty cells costs nothing to check.
    if extra.count(None) != len(extra) and not is_blank(extra):
        raise TabularFileError(
            f"Row {number} has more than {limits.max_columns} columns, the limit for "
            f"{limits.name} files; remove the columns that are not needed.",
            row=number,
        )
    return cells[: limits.max_columns]


def _too_many_rows(limits: TabularLimits) -> TabularFileError:
    return TabularFileError(
        f"The file has more than {limits.max_rows:,} rows, the limit for {limits.name} files; "
        f"split it into files of up to {limits.max_rows:,} rows."
    )


def _read_csv(data: bytes, *, limits: TabularLimits) -> RawTable:
    text = _decode(data)
    first_line = next((line for line in io.StringIO(text) if line.strip()), "")
    separator = sniff_separator(first_line)
    header: tuple[str, ...] | None = None
    rows: list[RawRow] = []
    number = 0
    try:
        for number, record in enumerate(
            csv.reader(io.StringIO(text, newline=""), delimiter=separator), start=1
        ):
            if is_blank(record):
                continue
            cells = _capped(tuple(record), number=number, limits=limits)
            if header is None:
                header = tuple(cell_text(cell) for cell in cells)
                continue
            rows.append(RawRow(number=number, cells=cells))
            if len(rows) > limits.max_rows:
                raise _too_many_rows(limits)
    except csv.Error as error:
        raise TabularFileError(
            f"Row {number + 1} cannot be read as CSV "
            f"({SEPARATOR_NAMES[separator]}-separated): {error}.",
            row=number + 1,
        ) from None
    if header is None:
        raise TabularFileError("The file is empty.")
    return RawTable(file_format="csv", header=header, rows=tuple(rows))


def _unreadable_workbook() -> TabularFileError:
    return TabularFileError(
        "The file is not a readable XLSX workbook. Save it again as XLSX or CSV."
    )


def _read_xlsx(data: bytes, *, limits: TabularLimits) -> RawTable:
    from openpyxl import load_workbook

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            unpacked = sum(member.file_size for member in package.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _unreadable_workbook() from None
    if unpacked > limits.max_unpacked_bytes:
        raise TabularFileError(
            f"The workbook unpacks to more than {_megabytes(limits.max_unpacked_bytes)}, the "
            f"limit for {limits.name} files; save it as CSV or split it."
        )
    try:
        # data_only=False: a formula is read as the text that was typed, never evaluated.
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except MemoryError:  # not a broken file: the memory ceiling (`core.bounded`) says so
        raise
    except Exception:  # openpyxl raises many types (and its own) for broken packages
        raise _unreadable_workbook() from None
    header: tuple[str, ...] | None = None
    rows: list[RawRow] = []
    try:
        if not workbook.worksheets:
            raise TabularFileError("The workbook has no worksheets.")
        sheet = workbook.worksheets[0]
        # The declared <dimension> is whatever the file says; without it openpyxl yields the
        # cells that are stored (missing rows come back empty, so numbers stay right).
        sheet.reset_dimensions()
        for number, stored in enumerate(sheet.iter_rows(), start=1):
            cells = _capped(tuple(cell.value for cell in stored), number=number, limits=limits)
            if is_blank(cells):
                continue
            if header is None:
                header = tuple(cell_text(cell) for cell in cells)
                continue
            percent = _percent_positions(stored[: len(cells)])
            rows.append(RawRow(number=number, cells=cells, percent=percent))
            if len(rows) > limits.max_rows:
                raise _too_many_rows(limits)
    except (TabularFileError, MemoryError):
        raise
    except Exception:  # malformed sheet XML surfaces only while the rows are parsed
        raise _unreadable_workbook() from None
    finally:
        workbook.close()
    if header is None:
        raise TabularFileError("The file is empty: its first worksheet has no rows.")
    return RawTable(file_format="xlsx", header=header, rows=tuple(rows))
