"""Reading CSV and XLSX files into numbered rows of text."""

from __future__ import annotations

from datetime import datetime

import pytest

from goldenthread.platform.indicators.domain.importing.columns import VALUE_COLUMNS
from goldenthread.platform.indicators.domain.importing.reader import ImportFileError, read_file

from .conftest import xlsx_bytes


def read(data: bytes, name: str = "values.csv"):
    return read_file(data, file_name=name, columns=VALUE_COLUMNS)


def test_csv_headings_are_matched_loosely_and_rows_keep_spreadsheet_numbers():
    table = read("\ufeffIndicator_Code;Period Code;VALUE\n\nPI 1;2025/26 Q1;1,5\n".encode())
    assert table.columns == ("indicator code", "period", "value")
    # Row 2 is blank, so the data row is row 3, as the spreadsheet shows it
    assert [(row.number, row.cells) for row in table.rows] == [
        (3, {"indicator code": "PI 1", "period": "2025/26 Q1", "value": "1,5"})
    ]


def test_windows_csv_is_read():
    table = read("indicator code,period,note\nPI 1,2025-04,Café\n".encode("cp1252"))
    assert table.rows[0].cells["note"] == "Café"


def test_xlsx_formulas_are_text_and_dates_in_the_period_column_become_months():
    content = xlsx_bytes(
        ["indicator code", "period", "value", "note"],
        [["PI 1", datetime(2025, 4, 1), 12.5, '=HYPERLINK("http://x.example")']],
    )
    table = read(content, "values.xlsx")
    assert table.rows[0].cells == {
        "indicator code": "PI 1",
        "period": "2025-04",
        "value": "12.5",
        "note": '=HYPERLINK("http://x.example")',
    }


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "values.csv", "The file is empty."),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "values.xls", "Excel 97-2003 workbook"),
        (b"indicator code,period\n", "values.pdf", "'values.pdf' is not a CSV or XLSX file."),
        (b"a,b\n", "values.xlsx", "is named as an XLSX workbook but is not one"),
        (b"period,value\n2025-04,1\n", "values.csv", "The file has no indicator code column."),
        (
            b"code,indicator code,period\n",
            "values.csv",
            "The file has the column(s) indicator code more than once.",
        ),
    ],
)
def test_unreadable_files_are_refused_with_a_reason(data, name, message):
    with pytest.raises(ImportFileError) as refused:
        read(data, name)
    assert message in refused.value.message


def test_too_many_rows_are_refused(settings):
    settings.TABULAR_IMPORT_LIMITS = {"indicator value": {"max_rows": 3}}
    data = b"indicator code,period\n" + b"PI 1,2025-04\n" * 4
    with pytest.raises(ImportFileError, match="more than 3 rows"):
        read(data)
