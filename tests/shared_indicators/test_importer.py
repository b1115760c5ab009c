"""Importing the national catalogue: good files, every kind of bad file, re-imports."""

from __future__ import annotations

import csv
import datetime as dt
import io
import time

import pytest
from openpyxl import Workbook

from goldenthread.shared_indicators.errors import CatalogueImportError, ImportProblem
from goldenthread.shared_indicators.models import CatalogueIndicator, CatalogueIndicatorVersion
from goldenthread.shared_indicators.services import catalogue_import
from tests.shared_indicators.helpers import SAMPLE_CSV, csv_bytes, import_bytes

pytestmark = pytest.mark.django_db


def sample_codes() -> list[str]:
    with SAMPLE_CSV.open(newline="", encoding="utf-8") as handle:
        return [row["code"] for row in csv.DictReader(handle)]


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- good files ----------------------------------------------------------------------------


def test_the_real_sample_csv_imports_all_25_indicators():
    # Given the demo's copy of the reference sample, and whatever the catalogue already holds
    codes = sample_codes()
    assert len(codes) == 25
    already = CatalogueIndicator.objects.filter(code__in=codes).count()

    # When it is imported by path
    report = catalogue_import(path_or_file=SAMPLE_CSV)

    # Then every row is in the catalogue, read with the reference file's vocabulary
    assert len(report.created) == 25 - already
    assert len(report.created) + len(report.unchanged) + len(report.updated) == 25
    assert report.file_format == "csv"
    assert report.source_name == "national_indicators_sample.csv"
    stored = {i.code: i for i in CatalogueIndicator.objects.filter(code__in=codes)}
    assert len(stored) == 25
    ni14 = stored["NI 14"]
    assert ni14.title.startswith("Avoidable contact")
    assert (ni14.unit, ni14.polarity, ni14.frequency) == ("percentage", "lower", "annual")
    assert stored["NI 99"].polarity == "higher"
    frequencies = {indicator.frequency for indicator in stored.values()}
    assert {"annual", "quarterly", "three_times_a_year"} <= frequencies
    if already == 0:
        first = CatalogueIndicatorVersion.objects.get(indicator=ni14)
        assert first.version == 1
        assert first.source_file == "national_indicators_sample.csv"
        assert first.definition_snapshot["polarity"] == "lower"


def test_an_xlsx_workbook_with_every_column_and_loose_headers_imports(prefix):
    # Given a workbook built with openpyxl, headers in mixed case and spacing, real dates
    # and numbers in cells
    data = xlsx_bytes(
        [
            [
                " Code ",
                "TITLE",
                "Unit",
                "Polarity",
                "Frequency",
                "Definition",
                "Decimal Places",
                "theme",
                "Source",
                "Valid From",
                "valid_to",
                "Retired",
            ],
            [
                f"{prefix} 1",
                "Households in temporary accommodation",
                "number",
                "Lower is better",
                "Quarterly",
                "Count at the end of the quarter.",
                0,
                "Housing",
                "DCLG",
                dt.datetime(2008, 4, 1),
                dt.date(2011, 3, 31),
                "no",
            ],
            [
                f"{prefix} 2",
                "Satisfaction with the area",
                "percentage",
                "higher",
                "three surveys a year",
                None,
                2.0,
                "Place",
                None,
                "01/04/2008",
                None,
                "yes",
            ],
        ]
    )

    # When it is imported
    report = import_bytes(data, name="catalogue.xlsx")

    # Then both rows are stored with typed values
    assert report.file_format == "xlsx"
    assert sorted(report.created) == [f"{prefix} 1", f"{prefix} 2"]
    first = CatalogueIndicator.objects.get(code=f"{prefix} 1")
    assert first.polarity == "lower" and first.frequency == "quarterly"
    assert first.decimal_places == 0 and first.theme == "Housing" and first.source == "DCLG"
    assert first.valid_from == dt.date(2008, 4, 1) and first.valid_to == dt.date(2011, 3, 31)
    assert first.definition == "Count at the end of the quarter." and first.retired is False
    second = CatalogueIndicator.objects.get(code=f"{prefix} 2")
    assert second.frequency == "three_times_a_year" and second.decimal_places == 2
    assert second.valid_from == dt.date(2008, 4, 1) and second.retired is True


@pytest.mark.parametrize(
    ("polarity", "frequency", "stored"),
    [
        ("higher", "annual", ("higher", "annual")),
        ("Higher is better", "Annually", ("higher", "annual")),
        ("LOWER", "monthly", ("lower", "monthly")),
        ("lower is better", "Half-yearly", ("lower", "half_yearly")),
        ("none", "half_yearly", ("none", "half_yearly")),
        ("No polarity", "weekly", ("none", "weekly")),
        ("higher", "three surveys a year", ("higher", "three_times_a_year")),
        ("higher", "Three times a year", ("higher", "three_times_a_year")),
    ],
)
def test_the_reference_vocabulary_is_understood(prefix, polarity, frequency, stored):
    import_bytes(csv_bytes([[f"{prefix} 1", "A title", "number", polarity, frequency]]))
    indicator = CatalogueIndicator.objects.get(code=f"{prefix} 1")
    assert (indicator.polarity, indicator.frequency) == stored


def test_codes_and_text_are_tidied_and_a_bom_is_ignored(prefix):
    data = b"\xef\xbb\xbf" + csv_bytes(
        [[f"  {prefix}   7 ", "  Spaced   title ", "number", "higher", "annual"]]
    )
    import_bytes(data)
    indicator = CatalogueIndicator.objects.get(code=f"{prefix} 7")
    assert indicator.title == "Spaced title"


# --- re-imports ----------------------------------------------------------------------------


def test_reimporting_an_unchanged_file_changes_nothing(prefix):
    # Given a file already imported
    data = csv_bytes(
        [
            [f"{prefix} 1", "First", "number", "higher", "annual"],
            [f"{prefix} 2", "Second", "percentage", "lower", "quarterly"],
        ]
    )
    import_bytes(data)
    before = {
        i.code: (i.updated_at, i.version)
        for i in CatalogueIndicator.objects.filter(code__startswith=prefix)
    }

    # When it is imported again
    report = import_bytes(data)

    # Then nothing was created, updated or versioned
    assert report.counts == {"created": 0, "updated": 0, "unchanged": 2, "new_versions": 0}
    after = {
        i.code: (i.updated_at, i.version)
        for i in CatalogueIndicator.objects.filter(code__startswith=prefix)
    }
    assert after == before
    assert CatalogueIndicatorVersion.objects.filter(indicator__code__startswith=prefix).count() == 2


def test_a_changed_definition_bumps_the_version_and_records_a_snapshot(prefix):
    # Given an indicator at version 1
    import_bytes(
        csv_bytes([[f"{prefix} 1", "Old title", "number", "higher", "annual"]]), name="v1.csv"
    )

    # When a file changes its title and unit
    report = import_bytes(
        csv_bytes([[f"{prefix} 1", "New title", "percentage", "higher", "annual"]]), name="v2.csv"
    )

    # Then it is at version 2 with both definitions kept
    assert report.updated == [f"{prefix} 1"] and report.new_versions == [f"{prefix} 1"]
    indicator = CatalogueIndicator.objects.get(code=f"{prefix} 1")
    assert (indicator.version, indicator.title, indicator.unit) == (2, "New title", "percentage")
    versions = list(indicator.versions.order_by("version"))
    assert [v.version for v in versions] == [1, 2]
    assert versions[0].definition_snapshot["title"] == "Old title"
    assert versions[0].source_file == "v1.csv"
    assert versions[1].definition_snapshot["unit"] == "percentage"
    assert versions[1].source_file == "v2.csv"


def test_a_change_outside_the_definition_updates_without_a_new_version(prefix):
    header = ["code", "title", "unit", "polarity", "frequency", "theme"]
    import_bytes(csv_bytes([[f"{prefix} 1", "Title", "number", "higher", "annual", "Old"]], header))

    report = import_bytes(
        csv_bytes([[f"{prefix} 1", "Title", "number", "higher", "annual", "New"]], header)
    )

    assert report.updated == [f"{prefix} 1"] and report.new_versions == []
    indicator = CatalogueIndicator.objects.get(code=f"{prefix} 1")
    assert (indicator.theme, indicator.version) == ("New", 1)
    assert indicator.versions.count() == 1


def test_columns_a_file_does_not_have_are_left_alone(prefix):
    header = ["code", "title", "unit", "polarity", "frequency", "decimal_places", "theme"]
    import_bytes(
        csv_bytes([[f"{prefix} 1", "Title", "number", "higher", "annual", "3", "Kept"]], header)
    )

    report = import_bytes(csv_bytes([[f"{prefix} 1", "Title", "number", "higher", "annual"]]))

    assert report.unchanged == [f"{prefix} 1"]
    indicator = CatalogueIndicator.objects.get(code=f"{prefix} 1")
    assert (indicator.decimal_places, indicator.theme) == (3, "Kept")


def test_an_indicator_without_history_keeps_its_old_definition_when_it_changes(prefix):
    # Given an indicator written some other way, with no recorded version
    CatalogueIndicator.objects.create(
        code=f"{prefix} 1", title="Original", unit="number", polarity="higher", frequency="annual"
    )

    import_bytes(csv_bytes([[f"{prefix} 1", "Revised", "number", "higher", "annual"]]))

    snapshots = {
        v.version: v.definition_snapshot["title"]
        for v in CatalogueIndicatorVersion.objects.filter(indicator__code=f"{prefix} 1")
    }
    assert snapshots == {1: "Original", 2: "Revised"}


def test_a_dry_run_reports_but_writes_nothing(prefix):
    import_bytes(csv_bytes([[f"{prefix} 1", "Old", "number", "higher", "annual"]]))

    report = import_bytes(
        csv_bytes(
            [
                [f"{prefix} 1", "New", "number", "higher", "annual"],
                [f"{prefix} 2", "Another", "number", "higher", "annual"],
            ]
        ),
        dry_run=True,
    )

    assert (
        report.dry_run
        and report.created == [f"{prefix} 2"]
        and report.new_versions == [f"{prefix} 1"]
    )
    assert "dry run" in report.summary()
    assert list(
        CatalogueIndicator.objects.filter(code__startswith=prefix).values_list(
            "code", "title", "version"
        )
    ) == [(f"{prefix} 1", "Old", 1)]
    assert CatalogueIndicatorVersion.objects.filter(indicator__code__startswith=prefix).count() == 1


# --- bad files: every problem named, nothing written -----------------------------------------


def problems_of(data: bytes, name: str = "test.csv") -> list[ImportProblem]:
    with pytest.raises(CatalogueImportError) as refused:
        import_bytes(data, name=name)
    return refused.value.problems


def rows_for(prefix: str, *rows: list[object], header: list[str] | None = None) -> bytes:
    good = [f"{prefix} 1", "A good row", "number", "higher", "annual"]
    if header:
        good += [""] * (len(header) - 5)
    return csv_bytes([good, *rows], header=header)


BAD_ROWS = {
    "missing code": (
        None,
        lambda p: ["", "No code", "number", "higher", "annual"],
        (3, "code", "code is missing"),
    ),
    "unknown polarity": (
        None,
        lambda p: [f"{p} 2", "T", "number", "sideways", "annual"],
        (3, "polarity", "'sideways' is not a polarity; use higher, lower or none"),
    ),
    "unknown frequency": (
        None,
        lambda p: [f"{p} 2", "T", "number", "higher", "fortnightly"],
        (3, "frequency", "'fortnightly' is not a collection frequency"),
    ),
    "duplicate code": (
        None,
        lambda p: [f"{p} 1", "Again", "number", "higher", "annual"],
        (3, "code", "is a duplicate of the code on row 2"),
    ),
    "duplicate code in another case": (
        None,
        lambda p: [f"{p.lower()} 1", "Again", "number", "higher", "annual"],
        (3, "code", "is a duplicate of the code on row 2"),
    ),
    "bad decimal places": (
        ["code", "title", "unit", "polarity", "frequency", "decimal_places"],
        lambda p: [f"{p} 2", "T", "number", "higher", "annual", "two"],
        (3, "decimal_places", "'two' is not a whole number"),
    ),
    "negative decimal places": (
        ["code", "title", "unit", "polarity", "frequency", "decimal_places"],
        lambda p: [f"{p} 2", "T", "number", "higher", "annual", "-1"],
        (3, "decimal_places", "'-1' is not a whole number"),
    ),
    "bad date": (
        ["code", "title", "unit", "polarity", "frequency", "valid_from"],
        lambda p: [f"{p} 2", "T", "number", "higher", "annual", "31/02/2009"],
        (3, "valid_from", "'31/02/2009' is not a date"),
    ),
    "end before start": (
        ["code", "title", "unit", "polarity", "frequency", "valid_from", "valid_to"],
        lambda p: [f"{p} 2", "T", "number", "higher", "annual", "2010-01-01", "2009-01-01"],
        (3, "valid_to", "valid_to is before valid_from"),
    ),
    "bad retired flag": (
        ["code", "title", "unit", "polarity", "frequency", "retired"],
        lambda p: [f"{p} 2", "T", "number", "higher", "annual", "maybe"],
        (3, "retired", "'maybe' is not yes or no"),
    ),
    "title too long": (
        None,
        lambda p: [f"{p} 2", "x" * 501, "number", "higher", "annual"],
        (3, "title", "at most 500 characters"),
    ),
    "code with a slash": (
        None,
        lambda p: [f"{p}/2", "T", "number", "higher", "annual"],
        (3, "code", "is not a usable code"),
    ),
    "control character": (
        None,
        lambda p: [f"{p} 2", "Red \x1b[31mtext", "number", "higher", "annual"],
        (3, "title", "contains a control character"),
    ),
}


@pytest.mark.parametrize("case", BAD_ROWS, ids=list(BAD_ROWS))
def test_a_bad_row_is_named_by_row_and_column_and_nothing_is_written(prefix, case):
    header, bad_row, (row, column, message) = BAD_ROWS[case]
    # Given an existing indicator that the good row of the file would change
    import_bytes(csv_bytes([[f"{prefix} 1", "Before", "number", "higher", "annual"]]))

    # When a file with one good and one bad row is imported
    problems = problems_of(rows_for(prefix, bad_row(prefix), header=header))

    # Then the problem names the spreadsheet row, the column and what is wrong
    assert [(p.row, p.column) for p in problems] == [(row, column)]
    assert message in problems[0].message
    assert str(problems[0]).startswith(f"Row {row}, column '{column}': ")
    # And nothing was written, not even the good row
    assert list(
        CatalogueIndicator.objects.filter(code__istartswith=prefix).values_list("code", "title")
    ) == [(f"{prefix} 1", "Before")]


def test_every_problem_in_a_file_is_listed_with_its_spreadsheet_row(prefix):
    # Blank lines still count as spreadsheet rows; a quoted cell spanning lines is one row.
    data = (
        "code,title,unit,polarity,frequency\n"
        f'{prefix} 1,"Two\nlines",number,higher,annual\n'
        "\n"
        f"{prefix} 2,T,number,up-ish,monthly\n"
        f",T,number,higher,daily\n"
    ).encode()
    problems = problems_of(data)
    assert [(p.row, p.column) for p in problems] == [
        (4, "polarity"),
        (5, "code"),
        (5, "frequency"),
    ]
    assert not CatalogueIndicator.objects.filter(code__startswith=prefix).exists()


BAD_FILES = {
    "empty file": (b"", "test.csv", "The file is empty"),
    "only blank lines": (b"\n\n  \n", "test.csv", "The file is empty"),
    "header but no rows": (
        b"code,title,unit,polarity,frequency\n",
        "test.csv",
        "header row but no indicators",
    ),
    "not a csv or xlsx": (
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n",
        "report.pdf",
        "is not a CSV or XLSX file",
    ),
    "binary named csv": (
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        "picture.csv",
        "not a CSV or XLSX file",
    ),
    "old excel workbook": (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64,
        "catalogue.xls",
        "old Excel 97-2003 workbook",
    ),
    "text named xlsx": (
        b"code,title\n",
        "catalogue.xlsx",
        "is named as an XLSX workbook but is not one",
    ),
    "broken zip": (b"PK\x03\x04not really a zip", "catalogue.xlsx", "not a readable XLSX workbook"),
    "undecodable bytes": (
        b"code,title,unit,polarity,frequency\nNI 1,Cost in \x81,pounds,lower,annual\n",
        "test.csv",
        "is not text we can read (byte 0x81",
    ),
}


@pytest.mark.parametrize("case", BAD_FILES, ids=list(BAD_FILES))
def test_a_bad_file_is_refused_with_a_clear_reason(case):
    data, name, message = BAD_FILES[case]
    before = CatalogueIndicator.objects.count()
    problems = problems_of(data, name=name)
    assert len(problems) == 1 and message in problems[0].message
    assert CatalogueIndicator.objects.count() == before


def test_undecodable_bytes_name_their_row():
    data = (
        b"code,title,unit,polarity,frequency\n"
        b"NI 1,ok,number,higher,annual\n"
        b"NI 2,\x81,x,higher,annual\n"  # a byte neither UTF-8 nor cp1252 defines
    )
    [problem] = problems_of(data)
    assert problem.row == 3


def test_a_nul_byte_deep_in_a_file_is_named_by_its_row(prefix):
    rows = [
        [f"{prefix} {n}", "A long enough title " * 3, "n", "higher", "annual"] for n in range(100)
    ]
    rows.append([f"{prefix} X", "Nul\x00byte", "n", "higher", "annual"])
    [problem] = problems_of(csv_bytes(rows))
    assert (problem.row, problem.column) == (102, "title")
    assert "control character" in problem.message


def test_missing_required_columns_are_each_named():
    problems = problems_of(b"Code,Title,Unit,Colour\nX 1,T,number,red\n")
    assert [(p.row, p.column, p.message) for p in problems] == [
        (1, "polarity", "required column is missing."),
        (1, "frequency", "required column is missing."),
    ]


def test_a_column_given_twice_is_refused():
    problems = problems_of(b"code,title,unit,polarity,frequency,Title\nX 1,T,n,higher,annual,U\n")
    assert [(p.row, p.column) for p in problems] == [(1, "title")]


def test_unknown_columns_are_ignored_and_reported(prefix):
    report = import_bytes(
        csv_bytes(
            [[f"{prefix} 1", "T", "n", "higher", "annual", "x"]],
            [*["code", "title", "unit", "polarity", "frequency"], "Notes"],
        )
    )
    assert report.ignored_columns == ["Notes"] and report.created == [f"{prefix} 1"]


def test_the_error_lists_every_problem_for_the_interfaces(prefix):
    with pytest.raises(CatalogueImportError) as refused:
        import_bytes(rows_for(prefix, [f"{prefix} 2", "T", "n", "sideways", "annual"]))
    error = refused.value
    assert error.message == "The catalogue file was refused (1 problem); nothing was imported."
    assert error.extra == {
        "problems": [{"row": 3, "column": "polarity", "message": error.problems[0].message}]
    }
    assert "Row 3, column 'polarity'" in str(error)


# --- hostile content -----------------------------------------------------------------------

HOSTILE = {
    "title": "=cmd|' /C calc'!A0",
    "definition": "<script>alert('x')</script>\r\n@SUM(1+1)\t+1",
    "unit": "-2+3",
    "theme": "'; DROP TABLE shared_indicators_catalogueindicator; --",
    "source": "\u202eevil\u202c ünïcødé ✓",
}


def test_hostile_text_is_stored_as_plain_text(prefix):
    header = ["code", "title", "unit", "polarity", "frequency", "definition", "theme", "source"]
    row = [
        f"{prefix} 1",
        HOSTILE["title"],
        HOSTILE["unit"],
        "higher",
        "annual",
        HOSTILE["definition"],
        HOSTILE["theme"],
        HOSTILE["source"],
    ]

    import_bytes(csv_bytes([row], header))

    indicator = CatalogueIndicator.objects.get(code=f"{prefix} 1")
    assert indicator.title == HOSTILE["title"]
    assert indicator.unit == HOSTILE["unit"]
    assert indicator.definition == HOSTILE["definition"]
    assert indicator.theme == HOSTILE["theme"]
    assert indicator.source == HOSTILE["source"]


def test_an_xlsx_formula_is_imported_as_its_text_never_evaluated(prefix):
    data = xlsx_bytes(
        [
            ["code", "title", "unit", "polarity", "frequency"],
            [f"{prefix} 1", '=HYPERLINK("http://example.invalid","x")', "=1+1", "higher", "annual"],
        ]
    )
    import_bytes(data, name="evil.xlsx")
    indicator = CatalogueIndicator.objects.get(code=f"{prefix} 1")
    assert indicator.title == '=HYPERLINK("http://example.invalid","x")'
    assert indicator.unit == "=1+1"


def test_a_pathological_fragment_of_quotes_does_not_hang():
    # An unterminated quote swallows the rest of the file into one cell: refused quickly.
    data = b'code,title,unit,polarity,frequency\n"X 1,' + b"a" * 200_000 + b"\n"
    started = time.monotonic()
    with pytest.raises(CatalogueImportError):
        import_bytes(data)
    assert time.monotonic() - started < 5


def test_a_missing_path_is_a_clear_error(tmp_path):
    from goldenthread.platform.core.errors import DomainError

    with pytest.raises(DomainError, match="There is no file at"):
        catalogue_import(path_or_file=tmp_path / "nope.csv")
