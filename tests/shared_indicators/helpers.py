"""Building catalogue files and rows for tests."""

from __future__ import annotations

import csv
import io
import uuid
from pathlib import Path

from goldenthread.shared_indicators.services import catalogue_import

REPO_ROOT = Path(__file__).resolve().parents[2]
SAMPLE_CSV = REPO_ROOT / "platform" / "devtools" / "data" / "national_indicators_sample.csv"
HEADER = ["code", "title", "unit", "polarity", "frequency"]


def unique_prefix() -> str:
    """A code prefix no other test (or committed demo data) uses, e.g. 'T3F9A1C'."""
    return "T" + uuid.uuid4().hex[:6].upper()


def csv_bytes(rows: list[list[object]], header: list[str] | None = None) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(header or HEADER)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def import_bytes(data: bytes, name: str = "test.csv", **kwargs):
    return catalogue_import(path_or_file=io.BytesIO(data), source_name=name, **kwargs)


def seed_indicators(prefix: str, count: int, **columns) -> list[str]:
    """Import `count` indicators coded '<prefix> 1'… with optional extra columns."""
    extra = list(columns)
    header = [*HEADER, *extra]
    rows = [
        [f"{prefix} {n}", f"{prefix} indicator {n}", "number", "higher", "annual"]
        + [columns[name] for name in extra]
        for n in range(1, count + 1)
    ]
    import_bytes(csv_bytes(rows, header=header))
    return [row[0] for row in rows]
