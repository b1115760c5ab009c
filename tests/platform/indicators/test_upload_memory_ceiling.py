"""Hostile uploads do not grow the process that receives them (#16 item 6).

The files are uploaded through the indicator import page with the Django test client, so the
test process is the web process: its peak resident size (`ru_maxrss`, which can only go up)
is read before and after. The reading happens in a forked child with a memory ceiling
(`core.bounded`); a file that needs more than the ceiling is refused naming the limit.
"""

from __future__ import annotations

import io
import re
import resource
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import schema_context
from openpyxl import Workbook

from goldenthread.platform.core.bounded import MemoryCeilingReached, run_with_memory_ceiling
from goldenthread.platform.indicators.models import ImportJob

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _workbook(rows) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _rewritten(data: bytes, replace: dict[str, object]) -> bytes:
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


def dimension_bomb(rows: int = 8000) -> bytes:
    """A sheet declaring A1:XFD1048576 (16,384 columns by a million rows) over `rows` rows."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">',
        '<dimension ref="A1:XFD1048576"/><sheetData>',
        '<row r="1"><c r="A1" t="inlineStr"><is><t>indicator code</t></is></c>'
        '<c r="B1" t="inlineStr"><is><t>period</t></is></c>'
        '<c r="C1" t="inlineStr"><is><t>value</t></is></c></row>',
    ]
    for number in range(2, rows + 2):
        lines.append(
            f'<row r="{number}"><c r="A{number}" t="inlineStr"><is><t>NOPE</t></is></c>'
            f'<c r="B{number}" t="inlineStr"><is><t>2024/25 Q1</t></is></c>'
            f'<c r="C{number}"><v>{number}</v></c></row>'
        )
    lines.append("</sheetData></worksheet>")
    base = _workbook([["x"]])
    return _rewritten(base, {"xl/worksheets/sheet1.xml": "".join(lines).encode()})


def shared_strings_bomb(strings: int = 150_000, length: int = 1000) -> bytes:
    """A workbook whose shared-string table unpacks to `strings` × `length` characters
    (~150 MB) from well under a megabyte: a reader loads the whole table before any row."""
    base = _workbook([["indicator code", "period", "value"], ["A", "2024/25 Q1", "1"]])
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
    return _rewritten(base, {"[Content_Types].xml": types, "xl/sharedStrings.xml": write})


def _upload(client, data: bytes, name: str):
    return client.post(
        "/indicators/import/",
        {"kind": "values", "file": SimpleUploadedFile(name, data, content_type=XLSX)},
    )


def _job_text(org, response) -> str:
    assert response.status_code == 302, response.content[:500]
    pk = int(re.search(r"/(\d+)/$", response["Location"]).group(1))
    with schema_context(org.schema_name):
        job = ImportJob.objects.defer("content").get(pk=pk)
    return str(job.problems) + job.message


@pytest.mark.django_db
def test_a_declared_million_row_sheet_is_read_as_stored_and_the_web_process_stays_flat(
    org_a, people, client_for
):
    client = client_for(org_a, user=people.officer)
    data = dimension_bomb()
    assert len(data) < 200_000
    before = _peak_mb()
    response = _upload(client, data, "dimension.xlsx")
    grown = _peak_mb() - before
    assert grown < 40, f"the web process grew by {grown:.0f} MB"
    # Read as stored (8,000 rows, 3 columns): each row's unknown PI is reported.
    problems = _job_text(org_a, response)
    assert "NOPE" in problems


@pytest.mark.django_db
def test_a_shared_strings_bomb_is_refused_naming_the_memory_limit(
    org_a, people, client_for, settings
):
    settings.TABULAR_READ_MEMORY_MB = 64
    client = client_for(org_a, user=people.officer)
    data = shared_strings_bomb()
    assert len(data) < 2_000_000
    before = _peak_mb()
    response = _upload(client, data, "strings.xlsx")
    grown = _peak_mb() - before
    assert grown < 40, f"the web process grew by {grown:.0f} MB"
    problems = _job_text(org_a, response)
    assert "too large to read" in problems and "more than 64 MB of memory" in problems


def _allocate(megabytes: int) -> int:
    return len(bytearray(megabytes * 1024 * 1024))


def test_the_ceiling_stops_the_child_and_lets_small_work_through(settings):
    settings.TABULAR_READ_MEMORY_MB = 50
    assert run_with_memory_ceiling(_allocate, 10) == 10 * 1024 * 1024
    with pytest.raises(MemoryCeilingReached) as reached:
        run_with_memory_ceiling(_allocate, 200)
    assert reached.value.megabytes == 50
    with pytest.raises(ZeroDivisionError):  # the work's own errors come back as they are
        run_with_memory_ceiling(divmod, 1, 0)
