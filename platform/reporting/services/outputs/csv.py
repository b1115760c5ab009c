"""A pack as one CSV file: every section's rows under a "Section" column, the section's own
columns after it (a column another section lacks is left empty), and a "Not yet approved"
column naming any figure of the row that is not yet approved."""

from __future__ import annotations

from goldenthread.platform.core.exporting import Column, column_text, write_csv

from ...domain.pack import Pack
from .tables import UNAPPROVED_COLUMN, section_columns, section_rows


def render_csv(pack: Pack) -> bytes:
    # The union of the sections' columns, by heading, in first-seen order.
    union: dict[str, Column] = {}
    for section in pack.sections:
        for column in section_columns(section):
            if column.heading != UNAPPROVED_COLUMN:
                union.setdefault(column.heading, column)
    columns = (column_text("Section"), *union.values(), column_text(UNAPPROVED_COLUMN))
    index = {heading: position for position, heading in enumerate(union, start=1)}

    def rows():
        for section in pack.sections:
            headings = [column.heading for column in section_columns(section)]
            for values in section_rows(section, mark_numbers=False):
                out: list[object] = [section.title] + [None] * (len(columns) - 1)
                for heading, value in zip(headings[:-1], values[:-1], strict=True):
                    out[index[heading]] = value
                out[-1] = values[-1]
                yield tuple(out)

    return write_csv(columns, rows())
