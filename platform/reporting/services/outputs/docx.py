"""A pack as a Word document (python-docx), for committee papers that are edited in Word.

Headings use Word's own "Title" / "Heading 1-2" styles, so the navigation pane and a table
of contents work; each section's table has its header row repeated on every page; the
footer holds "Page N of M" as Word fields and the data's as-at time; a figure not yet
approved carries its mark in the cell, and the cover says what the mark means. Charts are the
pages' own charts (the same `core.charts` SVG, drawn to PNG: `chart_images`), each with its
alternative text (the picture's description, which Word reads out) and, below it, its table
equivalent: the same numbers, period by period.
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor
from docx.table import _Cell

from goldenthread.platform.indicators.templatetags.indicators import number_format

from ...domain.pack import COUNT_WORDS, NUMBER, Pack, PackChart, PackSection
from .chart_images import chart_png
from .common import as_at_words, cell_words, legend

COUNT_KEYS = ("on_target", "warning", "off_target", "missing", "other")
MARK_COLOUR = RGBColor(0xA0, 0x0D, 0x1B)


def _field(paragraph, code: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word fills in when it lays the document out."""
    run = paragraph.add_run()
    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = f" {code} "
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    placeholder = OxmlElement("w:t")
    placeholder.text = "1"
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    for element in (begin, instruction, separate, placeholder, end):
        run._r.append(element)


def _repeat_header(row) -> None:
    properties = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)
    cant_split = OxmlElement("w:cantSplit")
    properties.append(cant_split)


def _page_setup(document, pack: Pack) -> None:
    section = document.sections[0]
    # Landscape A4: a committee table has ten or more columns.
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Mm(14))
    header = section.header.paragraphs[0]
    header.text = f"{pack.organisation_name} · {pack.title} · {pack.period_label}".strip(" ·")
    footer = section.footer.paragraphs[0]
    footer.add_run(f"Data as at {as_at_words(pack)}")
    if pack.includes_unapproved:
        footer.add_run(" · Includes unapproved values")
    footer.add_run("\tPage ")
    _field(footer, "PAGE")
    footer.add_run(" of ")
    _field(footer, "NUMPAGES")
    document.core_properties.title = f"{pack.title} – {pack.period_label}"
    document.core_properties.author = pack.organisation_name or "Golden Thread"
    document.core_properties.language = "en-GB"
    style = document.styles["Normal"]
    style.font.size = Pt(9)


def _cover(document, pack: Pack) -> None:
    if pack.organisation_name:
        document.add_paragraph(pack.organisation_name)
    document.add_heading(pack.cover.title or pack.title, level=0)
    if pack.cover.subtitle:
        document.add_paragraph(pack.cover.subtitle)
    facts = [
        ("Period", pack.period_label),
        ("Layout", pack.layout_words),
        ("Data as at", as_at_words(pack)),
    ]
    if pack.definition_version:
        facts.append(("Definition", f"Version {pack.definition_version}"))
    for name, value in facts:
        paragraph = document.add_paragraph()
        paragraph.add_run(f"{name}: ").bold = True
        paragraph.add_run(value)
    words = legend(pack)
    if words:
        run = document.add_paragraph().add_run(words)
        run.bold = True
        if pack.includes_unapproved:
            run.font.color.rgb = MARK_COLOUR
    for text in pack.cover.paragraphs:
        document.add_paragraph(text)


def _table(document, headings, rows, numeric: set[int]):
    table = document.add_table(rows=1, cols=len(headings))
    table.style = "Table Grid"
    header = table.rows[0]
    _repeat_header(header)
    for index, heading in enumerate(headings):
        cell = header.cells[index]
        cell.text = ""
        cell.paragraphs[0].add_run(heading).bold = True
    for values in rows:
        row = table.add_row()
        # The row's own cells: `row.cells` works out the whole table's grid on every call,
        # which makes a long table quadratic.
        cells = [_Cell(tc, table) for tc in row._tr.tc_lst]
        for index, (text, marked) in enumerate(values):
            paragraph = cells[index].paragraphs[0]
            run = paragraph.add_run(text)
            if marked:
                run.bold = True
                run.font.color.rgb = MARK_COLOUR
            if index in numeric:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    return table


def _summary(document, pack: Pack) -> None:
    document.add_heading("Summary", level=1)
    headings = ["Section", *(COUNT_WORDS[key] for key in COUNT_KEYS), "Total"]

    def line(title, counts, change):
        cells = [(title, False)]
        for key in COUNT_KEYS:
            text = str(getattr(counts, key))
            if change is not None and key != "other":
                moved = getattr(change, key)
                text += f" ({'+' if moved > 0 else ''}{moved})" if moved else " (no change)"
            cells.append((text, False))
        cells.append((str(counts.total), False))
        return cells

    rows = [line(item.title, item.counts, item.change) for item in pack.summary.lines]
    rows.append(line("Overall", pack.summary.overall, pack.summary.overall_change))
    _table(document, headings, rows, numeric=set(range(1, len(headings))))
    if pack.summary.compared_with:
        document.add_paragraph(f"Changes are since {pack.summary.compared_with}.")


def _section(document, section: PackSection) -> None:
    document.add_heading(section.title, level=1)
    for text in section.narrative:
        document.add_paragraph(text)
    headings = [column.heading for column in section.columns]
    numeric = {i for i, column in enumerate(section.columns) if column.kind == NUMBER}
    if not section.rows:
        document.add_paragraph("Nothing meets the definition's scope and filters.")
    for group in section.groups:
        if group.title:
            document.add_heading(group.title, level=2)
        if not group.rows:
            document.add_paragraph("Nothing here meets the definition's scope and filters.")
            continue
        rows = [[(cell_words(cell), cell.unapproved) for cell in row.cells] for row in group.rows]
        _table(document, headings, rows, numeric)
    for index, chart in enumerate(section.charts, start=1):
        _chart(document, chart, index)


def _chart_words(chart: PackChart, formatted) -> str:
    """The chart in words, for its picture's alternative text."""
    lines = [f"{chart.title}. {chart.description}".strip()]
    for series in chart.series:
        points = ", ".join(
            f"{label} {formatted(value)}"
            for label, value in zip(chart.period_labels, series.values, strict=False)
        )
        lines.append(f"{series.name}: {points}.")
    return " ".join(lines)


def _chart(document, chart: PackChart, index: int) -> None:
    formatted = number_format(chart.unit, chart.decimals, "—")
    png = chart_png(chart, index)
    if png is None:
        return
    document.add_heading(chart.title, level=3)
    picture = document.add_picture(io.BytesIO(png), width=Cm(16))
    # Word's "alt text": read out by screen readers, shown where the picture cannot be.
    properties = picture._inline.docPr
    properties.set("title", chart.title)
    properties.set("descr", _chart_words(chart, formatted))
    if chart.description:
        document.add_paragraph(chart.description)
    headings = ["Period", *(series.name for series in chart.series)]
    rows = [
        [(label, False), *((formatted(series.values[i]), False) for series in chart.series)]
        for i, label in enumerate(chart.period_labels)
    ]
    _table(document, headings, rows, numeric=set(range(1, len(headings))))


def render_docx(pack: Pack) -> bytes:
    document = Document()
    _page_setup(document, pack)
    _cover(document, pack)
    document.add_page_break()
    _summary(document, pack)
    for section in pack.sections:
        _section(document, section)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
