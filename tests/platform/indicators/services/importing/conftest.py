"""Helpers for import tests: files built in memory, as CSV or XLSX, and a quick way to run the
two steps for a user."""

from __future__ import annotations

import csv
import io

import pytest

VALUE_HEADER = [
    "indicator code",
    "period",
    "value",
    "numerator",
    "denominator",
    "sub-area",
    "state",
    "note",
]
TARGET_HEADER = ["indicator code", "period", "target", "sub-area", "note"]


def csv_bytes(header: list[str], rows: list[list]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if cell is None else cell for cell in row])
    return out.getvalue().encode("utf-8")


def xlsx_bytes(header: list[str], rows: list[list]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def value_rows(*rows: dict) -> list[list]:
    """Rows as lists in VALUE_HEADER order from dicts with some of its keys."""
    return [[row.get(name, "") for name in VALUE_HEADER] for row in rows]


@pytest.fixture
def values_csv():
    def make(*rows: dict) -> bytes:
        return csv_bytes(VALUE_HEADER, value_rows(*rows))

    return make


@pytest.fixture
def targets_csv():
    def make(*rows: dict) -> bytes:
        return csv_bytes(TARGET_HEADER, [[r.get(n, "") for n in TARGET_HEADER] for r in rows])

    return make


@pytest.fixture
def start_import():
    """start_import(user, content, kind="values", name="values.csv") -> ImportJob, kept by the
    web's step and checked by the worker's (run here, in the test's transaction)."""
    from .steps import start_and_check

    return start_and_check


def problems_of(job) -> list[tuple]:
    return [(p["row"], p["column"], p["message"]) for p in job.problems]
