"""Check every row of a catalogue file and turn it into field values, collecting every problem.

The file is authoritative for each column it has: a blank cell in an optional column clears
that field to its default. Columns the file does not have leave existing values alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from ...errors import CatalogueImportError, ImportProblem
from ...models import CatalogueIndicator
from . import vocabulary
from .readers import RawTable

REQUIRED_COLUMNS = ("code", "title", "unit", "polarity", "frequency")
OPTIONAL_COLUMNS = (
    "definition",
    "decimal_places",
    "theme",
    "source",
    "valid_from",
    "valid_to",
    "retired",
)
HEADER_ALIASES = {"collection_frequency": "frequency", "valid_until": "valid_to"}
TEXT_COLUMNS = {"code", "title", "unit", "definition", "theme", "source"}
DEFAULTS: dict[str, object] = {
    "definition": "",
    "decimal_places": CatalogueIndicator._meta.get_field("decimal_places").default,
    "theme": "",
    "source": "",
    "valid_from": None,
    "valid_to": None,
    "retired": False,
}
PARSERS: dict[str, Callable[[object], object]] = {
    "polarity": vocabulary.parse_polarity,
    "frequency": vocabulary.parse_frequency,
    "decimal_places": vocabulary.parse_decimal_places,
    "valid_from": vocabulary.parse_date,
    "valid_to": vocabulary.parse_date,
    "retired": vocabulary.parse_flag,
}

# Codes appear in URLs (/catalogue/NI 14/) and in other organisations' data, so they are kept
# to a plain, printable alphabet.
CODE_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ._()\-]*")
# Tabs and line breaks are fine inside a definition; other control characters are not text a
# person typed, and PostgreSQL cannot store NUL at all.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class CatalogueRow:
    number: int
    code: str
    values: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class CheckedFile:
    rows: tuple[CatalogueRow, ...]
    columns: tuple[str, ...]
    ignored_columns: tuple[str, ...]


def _map_header(header: tuple[str, ...]) -> tuple[dict[str, int], list[str], list[ImportProblem]]:
    positions: dict[str, int] = {}
    ignored: list[str] = []
    problems: list[ImportProblem] = []
    for index, raw in enumerate(header):
        name = vocabulary.normalise_header(raw)
        name = HEADER_ALIASES.get(name, name)
        if not name:
            continue
        if name not in REQUIRED_COLUMNS and name not in OPTIONAL_COLUMNS:
            ignored.append(raw.strip())
            continue
        if name in positions:
            problems.append(ImportProblem("the column appears more than once.", row=1, column=name))
            continue
        positions[name] = index
    for name in REQUIRED_COLUMNS:
        if name not in positions:
            problems.append(ImportProblem("required column is missing.", row=1, column=name))
    return positions, ignored, problems


def _check_text(value: object, column: str) -> str:
    text = vocabulary.as_text(value)
    if CONTROL_CHARACTERS.search(text):
        raise ValueError("contains a control character that cannot be stored.")
    if column in {"code", "title", "unit", "theme", "source"}:
        text = " ".join(text.split())
    return text


def _check_row(cells: tuple[object, ...], number: int, positions: dict[str, int]):
    values: dict[str, object] = {}
    problems: list[ImportProblem] = []
    for column, index in positions.items():
        cell = cells[index] if index < len(cells) else None
        blank = vocabulary.as_text(cell) == ""
        if column in REQUIRED_COLUMNS and blank:
            problems.append(ImportProblem(f"{column} is missing.", row=number, column=column))
            continue
        if column in OPTIONAL_COLUMNS and blank:
            values[column] = DEFAULTS[column]
            continue
        try:
            if column in TEXT_COLUMNS:
                values[column] = _check_text(cell, column)
            else:
                values[column] = PARSERS[column](cell)
        except ValueError as exc:
            problems.append(ImportProblem(str(exc), row=number, column=column))
    code = values.get("code")
    if isinstance(code, str) and not CODE_PATTERN.fullmatch(code):
        problems.append(
            ImportProblem(
                f"'{code}' is not a usable code; use letters, digits, spaces and - . _ ( ).",
                row=number,
                column="code",
            )
        )
    valid_from, valid_to = values.get("valid_from"), values.get("valid_to")
    if valid_from and valid_to and valid_to < valid_from:
        problems.append(
            ImportProblem("valid_to is before valid_from.", row=number, column="valid_to")
        )
    if not problems:
        problems.extend(_model_problems(values, number))
    return values, problems


def _model_problems(values: dict[str, object], number: int) -> list[ImportProblem]:
    """The model's own rules (lengths, choices), so the file is held to exactly what the
    database will accept."""
    candidate = CatalogueIndicator(**{**DEFAULTS, **values})
    try:
        candidate.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        return [
            ImportProblem(" ".join(messages), row=number, column=column)
            for column, messages in exc.message_dict.items()
        ]
    return []


def check_table(table: RawTable) -> CheckedFile:
    """Validate every row; raise CatalogueImportError listing every problem, or return the
    rows ready to write."""
    positions, ignored, problems = _map_header(table.header)
    if problems:
        raise CatalogueImportError(problems)
    if not table.rows:
        raise CatalogueImportError([ImportProblem("The file has a header row but no indicators.")])
    rows: list[CatalogueRow] = []
    first_row_of_code: dict[str, int] = {}
    for raw in table.rows:
        values, row_problems = _check_row(raw.cells, raw.number, positions)
        code = values.get("code")
        if isinstance(code, str) and code:
            key = code.upper()
            if key in first_row_of_code:
                row_problems.append(
                    ImportProblem(
                        f"'{code}' is a duplicate of the code on row {first_row_of_code[key]}.",
                        row=raw.number,
                        column="code",
                    )
                )
            else:
                first_row_of_code[key] = raw.number
        if row_problems:
            problems.extend(row_problems)
            continue
        rows.append(CatalogueRow(number=raw.number, code=code, values=values))
    if problems:
        raise CatalogueImportError(problems)
    return CheckedFile(rows=tuple(rows), columns=tuple(positions), ignored_columns=tuple(ignored))
