"""The one tabular reader (`core.tabular`): each of its rules, on friendly and hostile files."""

from __future__ import annotations

import io
from datetime import datetime

import pytest
from openpyxl import Workbook, load_workbook

from goldenthread.platform.core.tabular import (
    TabularFileError,
    TabularLimits,
    read_table,
    sniff_separator,
)
from tests.platform.core.tabular_files import xlsx_bytes

LIMITS = TabularLimits(name="test", max_bytes=64 * 1024, max_rows=5, max_columns=4)


def refusal(
    data: bytes, name: str = "file.csv", limits: TabularLimits = LIMITS
) -> TabularFileError:
    with pytest.raises(TabularFileError) as refused:
        read_table(data, file_name=name, limits=limits)
    return refused.value


def test_utf8_with_a_byte_order_mark_and_blank_rows_keep_spreadsheet_numbers():
    table = read_table("\ufeffa,b\n\nx,é\n".encode(), file_name="f.csv", limits=LIMITS)
    assert table.file_format == "csv"
    assert table.header == ("a", "b")
    assert [(row.number, row.cells) for row in table.rows] == [(3, ("x", "é"))]


def test_windows_cp1252_is_read_when_the_file_is_not_utf8():
    table = read_table("a;b\nCafé;£5\n".encode("cp1252"), file_name="f.csv", limits=LIMITS)
    assert table.rows[0].cells == ("Café", "£5")


def test_bytes_neither_utf8_nor_cp1252_can_read_are_refused_naming_the_line():
    error = refusal(b"a,b\nx,y\nx,\x81\n")
    assert error.row == 3
    assert "Line 3 of the file is not text we can read (byte 0x81)" in error.message


@pytest.mark.parametrize(
    ("line", "separator"),
    [("a,b,c", ","), ("a;b;c", ";"), ("a\tb\tc", "\t"), ('"x,y";b;c', ";"), ("single", ",")],
)
def test_the_separator_is_the_one_the_header_uses_most_outside_quotes(line, separator):
    assert sniff_separator(line) == separator


def test_tab_separated_text_is_read():
    table = read_table(b"a\tb\n1\t2\n", file_name="f.txt", limits=LIMITS)
    assert table.rows[0].cells == ("1", "2")


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n", "it is a PDF document"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "it is a PNG image"),
        (b"\x1f\x8b\x08\x00rest", "it is a gzip archive"),
        (b"a,b\n\x00\x01\x02\x03binary", "it holds binary data"),
        ("a,b\n1,2\n".encode("utf-16"), "it holds binary data"),
    ],
)
def test_binary_files_named_csv_are_refused_before_decoding(data, said):
    error = refusal(data, "upload.csv")
    assert "not a CSV or XLSX file" in error.message and said in error.message


def test_the_file_size_limit_is_named():
    error = refusal(b"a,b\n" + b"1,2\n" * 20_000)
    assert error.message == "The file is larger than 64 KB, the limit for test files."


def test_the_row_limit_is_named():
    error = refusal(b"a,b\n" + b"1,2\n" * 6)
    assert "more than 5 rows, the limit for test files" in error.message


def test_the_column_limit_is_named_with_the_row():
    error = refusal(b"a,b\n1,2,3,4,5\n")
    assert error.row == 2
    assert "Row 2 has more than 4 columns, the limit for test files" in error.message


def test_empty_cells_beyond_the_column_limit_are_dropped_not_refused():
    table = read_table(b"a,b,,,,,,\n1,2,,,,,,,,\n", file_name="f.csv", limits=LIMITS)
    assert table.header == ("a", "b", "", "") and table.rows[0].cells == ("1", "2", "", "")


def test_limits_are_overridden_by_name_in_settings(settings):
    settings.TABULAR_IMPORT_LIMITS = {"test": {"max_rows": 1}}
    assert "more than 1 rows" in refusal(b"a\n1\n2\n").message


def test_an_xlsx_keeps_formulas_as_typed_text_and_dates_as_dates():
    data = xlsx_bytes([["a", "b"], ['=HYPERLINK("http://x.example")', datetime(2025, 4, 1)]])
    table = read_table(data, file_name="anything.bin", limits=LIMITS)
    assert table.file_format == "xlsx"
    assert table.rows[0].cells == ('=HYPERLINK("http://x.example")', datetime(2025, 4, 1))


def test_an_xlsx_declaring_the_whole_sheet_is_read_as_stored_not_padded():
    # Given a workbook whose <dimension> claims 16,384 columns by 1,048,576 rows
    data = xlsx_bytes([["a", "b", "c"], [1, 2, 3]], dimension="A1:XFD1048576")
    declared = load_workbook(io.BytesIO(data), read_only=True).worksheets[0]
    assert (declared.max_column, declared.max_row) == (16_384, 1_048_576)
    # When it is read (trusting the dimension would pad every row and read a million rows)
    table = read_table(data, file_name="f.xlsx", limits=LIMITS)
    # Then the rows are the stored ones, as wide as what is stored
    assert table.header == ("a", "b", "c")
    assert [(row.number, row.cells) for row in table.rows] == [(2, (1, 2, 3))]


def test_an_xlsx_with_a_cell_in_the_last_column_is_refused_by_the_column_limit():
    workbook = Workbook()
    workbook.active.append(["a", "b"])
    workbook.active.cell(row=2, column=16_384, value="far away")
    buffer = io.BytesIO()
    workbook.save(buffer)
    error = refusal(buffer.getvalue(), "f.xlsx")
    assert "Row 2 has more than 4 columns" in error.message


def test_an_xlsx_over_the_row_limit_is_refused():
    data = xlsx_bytes([["a"], *[[n] for n in range(6)]])
    assert "more than 5 rows" in refusal(data, "f.xlsx").message


def test_an_xlsx_unpacking_beyond_its_limit_is_refused():
    # Highly compressible text: small on the wire, large unpacked
    data = xlsx_bytes([["a"], ["x" * 30_000], ["x" * 30_000]])
    limits = TabularLimits(
        name="test", max_bytes=64 * 1024, max_rows=5, max_columns=4, unpacked_ratio=1
    )
    assert "unpacks to more than 64 KB" in refusal(data, "f.xlsx", limits).message


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"", "f.csv", "The file is empty."),
        (b"\n \n", "f.csv", "The file is empty."),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", "f.xls", "old Excel 97-2003 workbook"),
        (b"a,b\n", "f.xlsx", "'f.xlsx' is named as an XLSX workbook but is not one."),
        (b"a,b\n", "f.pdf", "'f.pdf' is not a CSV or XLSX file"),
        (b"PK\x03\x04not a zip", "f.xlsx", "not a readable XLSX workbook"),
    ],
)
def test_unreadable_files_are_refused_with_a_reason(data, name, message):
    assert message in refusal(data, name).message


@pytest.mark.parametrize(
    ("number_format", "scales"),
    [
        ("0%", True),
        ("0.0%", True),
        ("#,##0.00%;[Red]-0.00%", True),
        ('0.0"%"', False),
        ("0.0\\%", False),
        ("General", False),
        (None, False),
    ],
)
def test_which_excel_formats_show_a_number_times_100(number_format, scales):
    from goldenthread.platform.core.tabular import scales_by_100

    assert scales_by_100(number_format) is scales
