"""Workbooks built in memory for the tabular reader's tests, friendly and hostile."""

from __future__ import annotations

import io
import re
import zipfile

from openpyxl import Workbook

# What the upload tests send: the workbook's media type, where it goes, and the headers the
# PI-values and user imports expect.
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PI_IMPORT = "/indicators/import/"
USER_IMPORTS = "/api/v1/accounts/users/imports/"
VALUE_HEADER = ["indicator code", "period", "value"]
USER_HEADER = ["name", "email", "roles"]


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


def rewritten(data: bytes, replace: dict[str, object]) -> bytes:
    """The package with some parts replaced: bytes, or a function writing into the part."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for item in source.infolist():
            new = replace.get(item.filename)
            if new is None:
                target.writestr(item, source.read(item.filename))
            elif isinstance(new, bytes):
                target.writestr(item.filename, new)
            else:
                with target.open(item.filename, "w", force_zip64=True) as part:
                    new(part)
        for name, new in replace.items():  # parts the package did not have
            if name not in source.namelist():
                with target.open(name, "w", force_zip64=True) as part:
                    new(part)
    return out.getvalue()


def shared_strings_bomb(header: list[str], strings: int = 150_000, length: int = 1000) -> bytes:
    """A workbook with `header` whose shared-string table unpacks to `strings` × `length`
    characters (~150 MB) from well under a megabyte: a reader loads the whole table before
    any row."""
    base = xlsx_bytes([header, ["A"] * len(header)])
    text = ("A" * length).encode()

    def write(part):
        part.write(
            b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        )
        for _ in range(strings):
            part.write(b"<si><t>" + text + b"</t></si>")
        part.write(b"</sst>")

    with zipfile.ZipFile(io.BytesIO(base)) as package:
        types = package.read("[Content_Types].xml").replace(
            b"</Types>",
            b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
            b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
        )
    return rewritten(base, {"[Content_Types].xml": types, "xl/sharedStrings.xml": write})
