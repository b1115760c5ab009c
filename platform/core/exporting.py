"""The one writer of tabular downloads (CSV and XLSX), with one set of rules for every export.

Every list people can download (PIs, values, actions, risks, audit trails) and the CSV and
Excel outputs of report packs describe their columns here and hand over rows; the rules live
once, in this module:

- **Typed columns** (`Column`): text, number, date, date and time. A number is written as a
  number (never as text), rounded to its decimals; in XLSX its decimals and unit become the
  cell's number format ("72.5 %" is the number 72.5 shown with its unit), in CSV the unit
  belongs in the heading or a column of its own. A cell may carry its own decimals and unit
  (`Number`) where one column mixes PIs measured differently.
- **Words, not codes**: columns hold what people read ("On target"), the caller's business.
- **Formula disarm**: text that a spreadsheet would run — starting with `=`, `+`, `-`, `@`, a
  tab or a line break (OWASP's "CSV injection") — is never run. In CSV such text is prefixed
  with an apostrophe (the convention spreadsheets show as text; our importers strip it again,
  see `core.tabular.cell_text`); in XLSX it is stored as a string cell with Excel's "quote
  prefix" style, so the cell holds exactly the text and stays text if someone edits it.
- **CSV** is UTF-8 with a byte-order mark so Excel opens accented names correctly, and can be
  streamed row by row (`csv_chunks`) for long lists.
- **XLSX** is written with openpyxl's write-only mode (rows go straight to the file, memory
  does not grow with the rows), one sheet per `Sheet`, header row bold and frozen.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

TEXT = "text"
NUMBER = "number"
DATE = "date"
DATETIME = "datetime"
KINDS = (TEXT, NUMBER, DATE, DATETIME)

CSV = "csv"
XLSX = "xlsx"
FORMATS = (CSV, XLSX)
CONTENT_TYPES = {
    CSV: "text/csv; charset=utf-8",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
FORMAT_WORDS = {CSV: "CSV", XLSX: "Excel"}

# What makes a spreadsheet treat a cell as a formula (or, for tab/CR/LF, lets one through a
# naive split): text starting with one of these is disarmed.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")

# How a unit shows after (or before) a number in a spreadsheet cell's number format.
UNIT_FORMATS = {
    "percentage": ("", '" %"'),
    "%": ("", '" %"'),
    "money": ('"£"', ""),
    "£": ('"£"', ""),
}
SHEET_TITLE_LIMIT = 31  # Excel refuses longer sheet names
SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


@dataclass(frozen=True)
class Column:
    """One column of an export: its heading, kind and (for numbers) default decimals/unit."""

    heading: str
    kind: str = TEXT
    decimals: int | None = None  # numbers: None = as stored
    unit: str = ""  # numbers: a UnitKind ("percentage", "money") or a symbol shown in XLSX
    width: int | None = None  # XLSX column width in characters; None = from the heading

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"Unknown column kind {self.kind!r}; use one of {KINDS}.")


@dataclass(frozen=True)
class Number:
    """A number with its own decimals and unit, for a column that mixes measures."""

    value: Decimal | int | float | None
    decimals: int | None = None
    unit: str = ""
    # Words shown after the number in XLSX (its number format), e.g. "Not yet approved": the
    # cell stays a number, and nobody reads it without the mark.
    mark: str = ""


@dataclass(frozen=True)
class Sheet:
    """One worksheet: `title` (cut to Excel's 31 characters), columns, rows of cells in the
    columns' order, and optional lines of text above the header (an as-at line, a legend)."""

    title: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[object]]
    preface: Sequence[str] = field(default_factory=tuple)


def column_text(heading: str, **kwargs) -> Column:
    return Column(heading, TEXT, **kwargs)


def column_number(heading: str, *, decimals: int | None = None, unit: str = "", **kwargs):
    return Column(heading, NUMBER, decimals=decimals, unit=unit, **kwargs)


def column_date(heading: str, **kwargs) -> Column:
    return Column(heading, DATE, **kwargs)


def column_datetime(heading: str, **kwargs) -> Column:
    return Column(heading, DATETIME, **kwargs)


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)


def disarmed(text: str) -> str:
    """Text a spreadsheet shows rather than runs: "'=HYPERLINK(…)" for "=HYPERLINK(…)"."""
    return f"'{text}" if is_formula_like(text) else text


def rounded(value, decimals: int | None) -> Decimal | None:
    """The number as a Decimal rounded half-up to `decimals` (as people round), or None."""
    if value is None or value == "":
        return None
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    if decimals is None:
        return number
    return number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def number_format(decimals: int | None, unit: str = "", mark: str = "") -> str:
    """Excel's number format for `decimals` places with the unit (and a mark) shown:
    '#,##0.0" %"', '#,##0.0" %"" (Not yet approved)"'."""
    body = "#,##0" if decimals is None or decimals <= 0 else "#,##0." + "0" * decimals
    if decimals is None:
        body = "General"
    prefix, suffix = UNIT_FORMATS.get(unit, ("", ""))
    if mark:
        suffix += '" (' + mark.replace('"', "'") + ')"'
    return f"{prefix}{body}{suffix}" if (prefix or suffix) else body


def _local(moment: datetime) -> datetime:
    return timezone.localtime(moment) if timezone.is_aware(moment) else moment


# --- CSV ------------------------------------------------------------------------------------


def _csv_cell(value: object, column: Column) -> str:
    if value is None:
        return ""
    if isinstance(value, Number):
        number = rounded(value.value, value.decimals)
        return "" if number is None else format(number, "f")
    if column.kind == NUMBER and isinstance(value, Decimal | int | float):
        return format(rounded(value, column.decimals), "f")
    if isinstance(value, datetime):
        return _local(value).isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return disarmed(str(value))


def csv_chunks(
    columns: Sequence[Column], rows: Iterable[Sequence[object]], *, chunk_rows: int = 500
) -> Iterator[bytes]:
    """The CSV file in pieces (BOM and header first, then `chunk_rows` rows at a time), for a
    streaming response: a long list is never held whole in memory."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    # The byte-order mark makes Excel read the file as UTF-8 (names with accents, "–").
    buffer.write("\ufeff")
    writer.writerow([disarmed(column.heading) for column in columns])
    for count, row in enumerate(rows, start=1):
        writer.writerow(
            [_csv_cell(value, column) for value, column in zip(row, columns, strict=True)]
        )
        if count % chunk_rows == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def write_csv(columns: Sequence[Column], rows: Iterable[Sequence[object]]) -> bytes:
    return b"".join(csv_chunks(columns, rows))


# --- XLSX -----------------------------------------------------------------------------------


def sheet_title(title: str, taken: set[str]) -> str:
    """A sheet name Excel accepts (31 characters, none of []:*?/\\), unique in the workbook."""
    base = SHEET_TITLE_FORBIDDEN.sub(" ", title).strip().strip("'") or "Sheet"
    base = base[:SHEET_TITLE_LIMIT]
    name, number = base, 1
    while name.lower() in taken:
        number += 1
        suffix = f" ({number})"
        name = base[: SHEET_TITLE_LIMIT - len(suffix)] + suffix
    taken.add(name.lower())
    return name


class _Cells:
    """Makes write-only cells for one workbook, sharing its styles."""

    def __init__(self, sheet):
        from openpyxl.styles import Font

        self.sheet = sheet
        self.bold = Font(bold=True)

    def cell(self, value: object, column: Column | None = None, *, bold: bool = False):
        from openpyxl.cell import WriteOnlyCell

        cell = WriteOnlyCell(self.sheet)
        if bold:
            cell.font = self.bold
        if value is None:
            return cell
        if isinstance(value, Number):
            cell.value = rounded(value.value, value.decimals)
            cell.number_format = number_format(value.decimals, value.unit, value.mark)
            return cell
        if isinstance(value, bool):
            cell.value = "Yes" if value else "No"
            return cell
        if isinstance(value, Decimal | int | float) and column and column.kind == NUMBER:
            cell.value = rounded(value, column.decimals)
            cell.number_format = number_format(column.decimals, column.unit)
            return cell
        if isinstance(value, datetime):
            # Excel has no time zones: the local time people saw on the page.
            cell.value = _local(value).replace(tzinfo=None)
            cell.number_format = "d mmm yyyy hh:mm"
            return cell
        if isinstance(value, date):
            cell.value = value
            cell.number_format = "d mmm yyyy"
            return cell
        text = str(value)
        cell.value = text
        if is_formula_like(text):
            # openpyxl would store "=…" as a formula: force a string cell, and Excel's quote
            # prefix keeps it text even when someone edits the cell.
            cell.data_type = "s"
            cell.quotePrefix = True
        return cell


def _width(column: Column) -> float:
    if column.width:
        return column.width
    if column.kind in (DATE, DATETIME):
        return 18
    return min(max(len(column.heading) + 2, 12), 50)


def write_xlsx(sheets: Sequence[Sheet]) -> bytes:
    """The workbook of `sheets` as XLSX bytes (write-only: rows are streamed into the file)."""
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    taken: set[str] = set()
    for spec in sheets:
        sheet = workbook.create_sheet(title=sheet_title(spec.title, taken))
        cells = _Cells(sheet)
        for index, column in enumerate(spec.columns, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = _width(column)
        header_row = len(spec.preface) + 1
        # Freeze everything above the first data row: the preface and the header stay in view.
        sheet.freeze_panes = f"A{header_row + 1}"
        for line in spec.preface:
            sheet.append([cells.cell(line)])
        sheet.append([cells.cell(column.heading, bold=True) for column in spec.columns])
        for row in spec.rows:
            sheet.append(
                [cells.cell(value, column) for value, column in zip(row, spec.columns, strict=True)]
            )
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --- HTTP -----------------------------------------------------------------------------------


def export_filename(stem: str, fmt: str, *, today: date | None = None) -> str:
    """`pis-2026-12-06.csv`: what the list is and when it was taken, safe for any disk."""
    today = today or timezone.localdate()
    safe = re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip("-") or "export"
    return f"{safe}-{today.isoformat()}.{fmt}"


def export_response(*, fmt: str, stem: str, sheet: Sheet):
    """A download of one list: CSV streamed, XLSX whole (a ZIP cannot be streamed by rows)."""
    from django.http import HttpResponse, StreamingHttpResponse

    if fmt not in FORMATS:
        raise ValueError(f"Unknown export format {fmt!r}.")
    filename = export_filename(stem, fmt)
    if fmt == CSV:
        response = StreamingHttpResponse(
            csv_chunks(sheet.columns, sheet.rows), content_type=CONTENT_TYPES[CSV]
        )
    else:
        response = HttpResponse(write_xlsx([sheet]), content_type=CONTENT_TYPES[XLSX])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# --- Pages and REST: one query parameter for every list ------------------------------------

EXPORT_PARAMETER_NAME = "export"


def requested_export(request) -> str | None:
    """The format a list's `?export=csv|xlsx` asks for, or None for the list itself.

    Pages and REST lists share it, so a download is always the list's own selector, filters
    and permission check with another output. An unknown format is refused, naming the ones
    there are."""
    from .errors import DomainError

    wanted = (request.GET.get(EXPORT_PARAMETER_NAME) or "").strip().lower()
    if not wanted:
        return None
    if wanted not in FORMATS:
        raise DomainError(
            f"export: '{wanted[:20]}' is not a download format; use csv or xlsx.",
            code="invalid_export_format",
        )
    return wanted


def export_openapi():
    """(parameter, responses) for a REST list that can be downloaded with `?export=`."""
    from drf_spectacular.types import OpenApiTypes
    from drf_spectacular.utils import OpenApiParameter

    parameter = OpenApiParameter(
        EXPORT_PARAMETER_NAME,
        OpenApiTypes.STR,
        OpenApiParameter.QUERY,
        enum=list(FORMATS),
        description=(
            "Download the whole list (every page, same filters) as a CSV (UTF-8 with a "
            "byte-order mark) or XLSX file instead of JSON."
        ),
    )
    responses = {
        (200, "text/csv"): OpenApiTypes.BINARY,
        (200, CONTENT_TYPES[XLSX]): OpenApiTypes.BINARY,
    }
    return parameter, responses


def page_export(request) -> str | None:
    """`requested_export` for a page: an unknown format is a 400 page, not a crash."""
    from django.core.exceptions import BadRequest

    from .errors import DomainError

    try:
        return requested_export(request)
    except DomainError as error:
        raise BadRequest(error.message) from None


def download_query(request) -> str:
    """The list's query string without its page and any earlier `export`, so a download link
    carries the same filters as the list on screen."""
    query = request.GET.copy()
    for name in ("page", EXPORT_PARAMETER_NAME):
        query.pop(name, None)
    return query.urlencode()
