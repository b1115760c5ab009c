"""The pack's outputs (PDF, Word, Excel, CSV) from one Pack: the same figures in each, a
draft value marked in every one, searchable PDF text with page numbers and no blank pages,
tags and bookmarks, and a hostile title disarmed in the spreadsheets."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from goldenthread.platform.reporting.domain.definitions import DefinitionSpec
from goldenthread.platform.reporting.selectors import pack_from_spec
from goldenthread.platform.reporting.services.outputs import render
from tests.factories import IndicatorFactory, IndicatorValueFactory, TargetFactory

Q2 = "2024/25 Q2"
TODAY = date(2025, 6, 1)
HOSTILE = '=HYPERLINK("http://evil.example","x")'
FIGURES = {"PI 1": "55.0", "PI 2": "41.3", "PI 3": "70.0"}


@pytest.fixture
def pack(in_alpha, definition_data):
    for code, value in FIGURES.items():
        pi = IndicatorFactory(code=code, title=f"Indicator {code}", decimal_places=1)
        IndicatorValueFactory(
            indicator=pi,
            period=Q2,
            value=Decimal(value),
            workflow_status="draft" if code == "PI 3" else "approved",
        )
        TargetFactory(indicator=pi, period=Q2, value=Decimal("50"))
    hostile = IndicatorFactory(code="PI 4", title=HOSTILE)
    IndicatorValueFactory(indicator=hostile, period=Q2, value=Decimal("12.0"))
    spec = DefinitionSpec.parse(definition_data(approved_only=False))
    return pack_from_spec(spec=spec, period=Q2, today=TODAY)


def _value_column(pack):
    section = pack.sections[0]
    return next(i for i, column in enumerate(section.columns) if column.key == "value")


def test_the_pack_has_what_the_tests_need(pack):
    assert pack.includes_unapproved
    index = _value_column(pack)
    draft = next(row for row in pack.sections[0].rows if row.key == "PI 3")
    assert draft.cells[index].unapproved


def test_pdf_text_holds_every_code_and_value_with_page_numbers_and_no_blank_page(pack):
    rendered = render(pack, "pdf")
    reader = PdfReader(io.BytesIO(rendered.content))
    pages = [page.extract_text() for page in reader.pages]
    text = "\n".join(pages)

    assert rendered.content_type == "application/pdf"
    assert rendered.filename.endswith(".pdf")
    for code, value in FIGURES.items():
        assert code in text
        assert value in text
    assert all(page.strip() for page in pages)
    assert f"of {len(pages)}" in pages[-1]
    assert "not yet approved" in text.lower()


def test_pdf_is_tagged_with_language_title_and_bookmarks(pack):
    reader = PdfReader(io.BytesIO(render(pack, "pdf").content))
    root = reader.trailer["/Root"]

    assert "/StructTreeRoot" in root
    assert root["/MarkInfo"]["/Marked"]
    assert str(root["/Lang"]).lower().startswith("en")
    assert pack.title in reader.metadata.title
    titles = [item.title for item in reader.outline if not isinstance(item, list)]
    assert "Summary" in titles
    assert pack.sections[0].title in titles


def test_docx_holds_the_figures_with_headings_and_the_draft_marked(pack):
    document = Document(io.BytesIO(render(pack, "docx").content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]

    for code, value in FIGURES.items():
        assert code in cells
        assert any(value in cell for cell in cells)
    assert any("70.0" in cell and "not yet approved" in cell.lower() for cell in cells)
    assert pack.sections[0].title in headings
    assert any("not yet approved" in p.text.lower() for p in document.paragraphs)
    footer_xml = document.sections[0].footer._element.xml
    assert "PAGE" in footer_xml


def test_xlsx_holds_numbers_as_numbers_one_sheet_per_section(pack):
    workbook = load_workbook(io.BytesIO(render(pack, "xlsx").content))
    section = pack.sections[0]
    sheet = workbook[workbook.sheetnames[2]]
    header_row = next(
        row for row in sheet.iter_rows() if any(cell.value == "Not yet approved" for cell in row)
    )
    headings = [cell.value for cell in header_row]
    value_at = headings.index(section.columns[_value_column(pack)].heading)
    code_at = headings.index("Code")
    rows = {row[code_at].value: row for row in sheet.iter_rows(min_row=header_row[0].row + 1)}

    assert workbook.sheetnames[:2] == ["Cover", "Summary"]
    assert len(workbook.sheetnames) == 2 + len(pack.sections)
    for code, value in FIGURES.items():
        cell = rows[code][value_at]
        assert cell.data_type == "n"
        assert Decimal(str(cell.value)) == Decimal(value)
    assert "not yet approved" in rows["PI 3"][value_at].number_format.lower()
    assert rows["PI 3"][-1].value
    cover = " ".join(str(c.value) for row in workbook["Cover"].iter_rows() for c in row)
    assert "not yet approved" in cover.lower() and "Data as at" in cover
    hostile = rows["PI 4"][code_at + 1]
    assert hostile.value == HOSTILE and hostile.data_type == "s"


def test_csv_holds_the_figures_marks_the_draft_and_disarms_text(pack):
    rendered = render(pack, "csv")
    rows = list(csv.DictReader(io.StringIO(rendered.content.decode("utf-8-sig"))))
    heading = pack.sections[0].columns[_value_column(pack)].heading
    by_code = {row[pack.sections[0].columns[0].heading]: row for row in rows}

    for code, value in FIGURES.items():
        assert by_code[code][heading] == value
        assert by_code[code]["Section"] == pack.sections[0].title
    assert heading in by_code["PI 3"]["Not yet approved"]
    assert by_code["PI 1"]["Not yet approved"] == ""
    assert by_code["PI 4"]["Indicator"] == "'" + HOSTILE


def test_pdf_keeps_the_words_of_statuses_and_trends_whole():
    """A full committee table (ten columns, long commentary) squeezes the narrow columns;
    their words must wrap between words, never inside one ("Improvin" / "g"). The pack is the
    benchmark's (bench/reporting_outputs.py), built in memory."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[3] / "bench" / "reporting_outputs.py"
    spec = importlib.util.spec_from_file_location("reporting_outputs_bench", path)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    pack = bench.make_pack(24)
    pages = PdfReader(io.BytesIO(render(pack, "pdf").content)).pages
    text = "\n".join(page.extract_text() for page in pages)
    assert text.count("Improving") == 2 * 24  # each row's short- and long-term trend
    assert "Improvin\n" not in text
