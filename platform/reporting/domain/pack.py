"""A performance pack: what every output of a report (HTML page, PDF, Word, Excel, CSV, a frozen
copy, a comparison) renders. Pure and immutable, no ORM: `reporting.selectors.pack_build`
fills it in from the organisation's data, and outputs only read it.

Every cell carries its words (`text`, what a reader sees: "72.5%", "On target", "Improving")
and, where it has one, its typed value (`number` with `unit` and `decimals`, `date`, the
stored `code` of a status or trend), so a spreadsheet keeps numbers as numbers and a document
never prints a stored code. A figure not yet approved carries `unapproved=True` wherever it is
shown, and the pack says `includes_unapproved` when any does.

`Pack.to_json()` and `Pack.from_json()` round-trip exactly (Decimals as strings, datetimes in
ISO 8601 with their offset): a frozen pack is stored as this JSON.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

# The kinds of cell (PackCell.kind) and of section (PackSection.kind).
NUMBER, TEXT, STATUS, TREND, DATE = "number", "text", "status", "trend", "date"
CELL_KINDS = (NUMBER, TEXT, STATUS, TREND, DATE)
PIS, ACTIONS, RISKS = "pis", "actions", "risks"
SECTION_KINDS = (PIS, ACTIONS, RISKS)
JSON_FORMAT = 1  # bump when the shape changes in a way old frozen packs must be read across


@dataclass(frozen=True)
class PackCell:
    """One cell. `text` is always what is shown (a dash for nothing). For a number: `number`
    (None when there is no figure), `unit` (indicators' unit kind: "percentage", "number",
    "money", "ratio", "time", "yes_no"; "" for counts) and `decimals` (places to show). For a
    status or trend: `code` (stored code, for styling and icons only; never show it). For a
    date: `date_value`. `note` is extra words (e.g. "Draft" for an unapproved figure, the period of
    a figure that is not the pack's)."""

    kind: str
    text: str
    number: Decimal | None = None
    unit: str = ""
    decimals: int = 0
    code: str = ""
    date_value: date | None = None
    unapproved: bool = False
    note: str = ""

    @classmethod
    def of_text(cls, text: str) -> PackCell:
        return cls(kind=TEXT, text=text or "")


@dataclass(frozen=True)
class PackColumn:
    """A column: its `key` (stable, e.g. "value", "q1_target"), its heading, and the kind of
    its cells (a number column is right-aligned and summed by nobody)."""

    key: str
    heading: str
    kind: str


@dataclass(frozen=True)
class PackRow:
    """One row (a PI, action or risk). `key` is its code; `status` its status code for
    counting ("" when it has none); cells follow the section's columns one for one."""

    key: str
    title: str
    cells: tuple[PackCell, ...]
    status: str = ""


@dataclass(frozen=True)
class PackGroup:
    """Rows under one heading: a priority or theme (the corporate priorities layout), a service
    area, or one untitled group. `level` is the heading's depth in the strategy tree (1 for a
    top-level priority), 0 when the group is not a strategy node."""

    title: str
    rows: tuple[PackRow, ...]
    key: str = ""
    level: int = 0


@dataclass(frozen=True)
class PackSeries:
    """One line of a chart: "values" (solid) or "target" (dashed), one figure per period."""

    name: str
    values: tuple[Decimal | None, ...]
    style: str = "values"


@dataclass(frozen=True)
class PackChart:
    """A chart's data (drawn by `core.charts`), with its table equivalent: the same numbers in
    `periods` x `series`. `unit`/`decimals` tell how its numbers read."""

    key: str
    title: str
    description: str
    period_codes: tuple[str, ...]
    period_labels: tuple[str, ...]
    series: tuple[PackSeries, ...]
    unit: str = ""
    decimals: int = 0


@dataclass(frozen=True)
class StatusCounts:
    """How many rows are on target / warning / off target / missing (every other status, such
    as data only or not yet due, is `other`)."""

    on_target: int = 0
    warning: int = 0
    off_target: int = 0
    missing: int = 0
    other: int = 0

    @property
    def total(self) -> int:
        return self.on_target + self.warning + self.off_target + self.missing + self.other

    def minus(self, earlier: StatusCounts) -> StatusCounts:
        """The change from `earlier` to these counts (negative when fewer)."""
        return StatusCounts(
            **{
                name.name: getattr(self, name.name) - getattr(earlier, name.name)
                for name in dataclasses.fields(self)
            }
        )


COUNTED = ("on_target", "warning", "off_target", "missing")
COUNT_WORDS = {
    "on_target": "On target",
    "warning": "Warning",
    "off_target": "Off target",
    "missing": "Missing",
    "other": "Other",
}


def count_statuses(statuses: typing.Iterable[str]) -> StatusCounts:
    counts = dict.fromkeys((*COUNTED, "other"), 0)
    for status in statuses:
        counts[status if status in COUNTED else "other"] += 1
    return StatusCounts(**counts)


@dataclass(frozen=True)
class SummaryLine:
    """One section's counts, and the change since the previous pack (None without one)."""

    section_key: str
    title: str
    counts: StatusCounts
    change: StatusCounts | None = None


@dataclass(frozen=True)
class PackSummary:
    """Counts per section and overall; `compared_with` names the previous pack ("" if none)."""

    lines: tuple[SummaryLine, ...]
    overall: StatusCounts
    overall_change: StatusCounts | None = None
    compared_with: str = ""


@dataclass(frozen=True)
class PackSection:
    """One section of the pack: its PIs, actions or risks, in groups, with the officer's
    narrative (plain-text paragraphs) and any charts."""

    key: str
    title: str
    kind: str
    narrative: tuple[str, ...]
    columns: tuple[PackColumn, ...]
    groups: tuple[PackGroup, ...]
    counts: StatusCounts
    charts: tuple[PackChart, ...] = ()

    @property
    def rows(self) -> tuple[PackRow, ...]:
        return tuple(row for group in self.groups for row in group.rows)


@dataclass(frozen=True)
class PackCover:
    title: str
    subtitle: str = ""
    paragraphs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Pack:
    """A whole pack. `layout` is the layout's code ("committee", "priorities", "summary"),
    `layout_words` what it is called; `period_code`/`period_label` the period it reports;
    `as_at` when the data were read (aware), `generated_at`/`generated_by` when and for whom
    it was built. `approved_only` is the definition's choice; `includes_unapproved` whether
    any figure shown is not yet approved (then every such cell says so)."""

    title: str
    organisation_name: str
    definition_id: int | None
    definition_version: int | None
    layout: str
    layout_words: str
    period_code: str
    period_label: str
    as_at: datetime
    generated_at: datetime
    generated_by: str
    approved_only: bool
    includes_unapproved: bool
    cover: PackCover
    sections: tuple[PackSection, ...]
    summary: PackSummary
    format: int = JSON_FORMAT

    def to_json(self) -> dict[str, Any]:
        """Plain JSON data (dicts, lists, strings, numbers, booleans, null)."""
        return _encode(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Pack:
        return _decode(cls, data)

    @property
    def section_keys(self) -> tuple[str, ...]:
        return tuple(section.key for section in self.sections)


# --- JSON ------------------------------------------------------------------------------------


def _encode(value: Any) -> Any:
    if dataclasses.is_dataclass(value):
        return {f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [_encode(item) for item in value]
    if isinstance(value, dict):
        return {str(key): _encode(item) for key, item in value.items()}
    return value


@typing.no_type_check
def _decode(kind: Any, data: Any) -> Any:
    if data is None:
        return None
    origin = typing.get_origin(kind)
    if origin in (typing.Union, types.UnionType):
        options = [arg for arg in typing.get_args(kind) if arg is not type(None)]
        return _decode(options[0], data)
    if origin is tuple:
        item = typing.get_args(kind)[0]
        return tuple(_decode(item, element) for element in data)
    if origin is dict:
        return dict(data)
    if dataclasses.is_dataclass(kind):
        hints = _hints(kind)
        return kind(
            **{
                f.name: _decode(hints[f.name], data[f.name])
                for f in dataclasses.fields(kind)
                if f.name in data
            }
        )
    if kind is Decimal:
        return Decimal(data)
    if kind is datetime:
        return datetime.fromisoformat(data)
    if kind is date:
        return date.fromisoformat(data)
    return data


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(kind: type) -> dict[str, Any]:
    if kind not in _HINTS:
        _HINTS[kind] = typing.get_type_hints(kind)
    return _HINTS[kind]
