"""The hostile workbook of #16: a 42 KB XLSX of 8,000 rows declaring
`<dimension ref="A1:XFD1048576"/>`. openpyxl's read-only reader, trusting the declaration,
pads every row to 16,384 cells (a gunicorn worker went from 335 MB to 1.3 GB in 6 s); the
tabular reader ignores the declaration, so reading it with the indicator import's limits
takes a few megabytes, whatever the file claims."""

from __future__ import annotations

import tracemalloc

from goldenthread.platform.core.tabular import read_table
from goldenthread.platform.indicators.domain.importing.reader import LIMITS
from tests.platform.core.tabular_files import xlsx_bytes

ROWS = 8_000


def hostile_workbook() -> bytes:
    rows = [["PI code", "Period", "Value"]]
    rows += [[f"PI-{n:05d}", "2024/25 Q1", n % 100] for n in range(ROWS)]
    return xlsx_bytes(rows, dimension="A1:XFD1048576")


def test_the_hostile_workbook_is_read_as_stored_in_a_few_megabytes():
    data = hostile_workbook()
    assert len(data) < 200 * 1024  # a small upload (the report's was 42 KB)
    tracemalloc.start()
    try:
        table = read_table(data, file_name="hostile.xlsx", limits=LIMITS)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert len(table.rows) == ROWS
    assert {len(row.cells) for row in table.rows} == {3}
    # Padding 8,000 rows to 16,384 cells would need gigabytes; the stored cells need little.
    assert peak < 40 * 1024 * 1024, f"peak {peak / 2**20:.0f} MiB"
