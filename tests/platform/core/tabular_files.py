"""Workbooks built in memory for the tabular reader's tests, friendly and hostile."""

from __future__ import annotations

import io
import re
import zipfile

from openpyxl import Workbook


def xlsx_bytes(rows: list[list], *, dimension: str | None = None) -> bytes:
    """A workbook of `rows`; `dimension` rewrites the sheet's declared <dimension ref>."""
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    if dimension is None:
        return buffer.getvalue()
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(out, "w") as target:
        for member in source.infolist():
            content = source.read(member)
            if member.filename == "xl/worksheets/sheet1.xml":
                content = re.sub(
                    rb'<dimension ref="[^"]*"', f'<dimension ref="{dimension}"'.encode(), content
                )
                assert f'<dimension ref="{dimension}"'.encode() in content
            target.writestr(member, content)
    return out.getvalue()
