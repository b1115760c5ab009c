"""A pack as an Excel workbook: a cover sheet (title, period, data as at, the approval
legend), a summary sheet of the counts, then one sheet per section with its header row frozen.
Written by the one tabular writer (`core.exporting`)."""

from __future__ import annotations

from goldenthread.platform.core.exporting import Sheet, column_number, column_text, write_xlsx

from ...domain.pack import COUNT_WORDS, Pack
from .common import as_at_words, legend
from .tables import section_columns, section_rows

COUNT_KEYS = ("on_target", "warning", "off_target", "missing", "other")


def cover_sheet(pack: Pack) -> Sheet:
    rows = [
        ("Organisation", pack.organisation_name),
        ("Report", pack.title),
        ("Period", pack.period_label),
        ("Layout", pack.layout_words),
        ("Data as at", as_at_words(pack)),
        ("Approval", legend(pack) or "—"),
    ]
    if pack.definition_version:
        rows.append(("Definition", f"Version {pack.definition_version}"))
    if pack.generated_by:
        rows.append(("Prepared for", pack.generated_by))
    rows.extend(("", paragraph) for paragraph in pack.cover.paragraphs)
    return Sheet(
        "Cover",
        (column_text("About this pack", width=20), column_text("", width=90)),
        rows,
        preface=tuple(line for line in (pack.cover.title, pack.cover.subtitle) if line),
    )


def summary_sheet(pack: Pack) -> Sheet:
    columns = (
        column_text("Section", width=36),
        *(column_number(COUNT_WORDS[key], decimals=0) for key in COUNT_KEYS),
        column_number("Total", decimals=0),
    )

    def line(title, counts):
        return (title, *(getattr(counts, key) for key in COUNT_KEYS), counts.total)

    rows = [line(item.title, item.counts) for item in pack.summary.lines]
    rows.append(line("Overall", pack.summary.overall))
    preface = (f"Data as at {as_at_words(pack)}",)
    return Sheet("Summary", columns, rows, preface=preface)


def render_xlsx(pack: Pack) -> bytes:
    sheets = [cover_sheet(pack), summary_sheet(pack)]
    for section in pack.sections:
        preface = (section.title, *section.narrative, f"Data as at {as_at_words(pack)}")
        sheets.append(
            Sheet(
                section.title,
                section_columns(section),
                section_rows(section, mark_numbers=True),
                preface=preface,
            )
        )
    return write_xlsx(sheets)
