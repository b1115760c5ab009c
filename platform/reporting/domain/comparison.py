"""What changed between two packs ("since the last committee"): pure, from the two `Pack`s
alone, so a frozen pack compares with the one before it exactly as both were published.

Rows are matched by section key and row key (the PI, action or risk code); a row's change
lists every column whose words differ (value, target, status, trend, commentary...) with the
words before and after, so the comparison reads the same whatever the layout."""

from __future__ import annotations

from dataclasses import dataclass

from .pack import COUNT_WORDS, Pack, PackRow, PackSection, StatusCounts


@dataclass(frozen=True)
class CellChange:
    column: str
    heading: str
    before: str
    after: str


@dataclass(frozen=True)
class RowChange:
    key: str
    title: str
    status_before: str
    status_after: str
    cells: tuple[CellChange, ...]

    @property
    def status_changed(self) -> bool:
        return self.status_before != self.status_after


@dataclass(frozen=True)
class RowRef:
    key: str
    title: str
    status: str


@dataclass(frozen=True)
class SectionComparison:
    key: str
    title: str
    changed: tuple[RowChange, ...]
    added: tuple[RowRef, ...]
    removed: tuple[RowRef, ...]
    counts_before: StatusCounts
    counts_after: StatusCounts

    @property
    def count_change(self) -> StatusCounts:
        return self.counts_after.minus(self.counts_before)


@dataclass(frozen=True)
class PackComparison:
    sections: tuple[SectionComparison, ...]
    overall_before: StatusCounts
    overall_after: StatusCounts

    @property
    def overall_change(self) -> StatusCounts:
        return self.overall_after.minus(self.overall_before)

    @property
    def has_changes(self) -> bool:
        return any(s.changed or s.added or s.removed for s in self.sections)

    def to_json(self) -> dict:
        def counts(c: StatusCounts) -> dict:
            return {**{k: getattr(c, k) for k in COUNT_WORDS}, "total": c.total}

        def ref(r: RowRef) -> dict:
            return {"key": r.key, "title": r.title, "status": r.status}

        return {
            "overall": {
                "before": counts(self.overall_before),
                "after": counts(self.overall_after),
                "change": counts(self.overall_change),
            },
            "sections": [
                {
                    "key": s.key,
                    "title": s.title,
                    "counts": {
                        "before": counts(s.counts_before),
                        "after": counts(s.counts_after),
                        "change": counts(s.count_change),
                    },
                    "changed": [
                        {
                            "key": c.key,
                            "title": c.title,
                            "status_before": c.status_before,
                            "status_after": c.status_after,
                            "cells": [
                                {
                                    "column": cell.column,
                                    "heading": cell.heading,
                                    "before": cell.before,
                                    "after": cell.after,
                                }
                                for cell in c.cells
                            ],
                        }
                        for c in s.changed
                    ],
                    "added": [ref(r) for r in s.added],
                    "removed": [ref(r) for r in s.removed],
                }
                for s in self.sections
            ],
        }


def _ref(row: PackRow) -> RowRef:
    return RowRef(row.key, row.title, row.status)


def _rows(section: PackSection | None) -> dict[str, PackRow]:
    # A row listed under two priorities is one row for the comparison (first place wins).
    rows: dict[str, PackRow] = {}
    for row in section.rows if section else ():
        rows.setdefault(row.key, row)
    return rows


def _row_change(section: PackSection, before: PackRow, after: PackRow, old: PackSection):
    old_columns = {column.key: i for i, column in enumerate(old.columns)}
    cells = []
    for i, column in enumerate(section.columns):
        after_text = after.cells[i].text if i < len(after.cells) else ""
        j = old_columns.get(column.key)
        before_text = before.cells[j].text if j is not None and j < len(before.cells) else ""
        if before_text != after_text:
            cells.append(CellChange(column.key, column.heading, before_text, after_text))
    if not cells and before.status == after.status:
        return None
    return RowChange(after.key, after.title, before.status, after.status, tuple(cells))


def compare_packs(previous: Pack, current: Pack) -> PackComparison:
    """The change from `previous` to `current`, section by section (sections only in one of
    the two count as every row added or removed)."""
    old_sections = {s.key: s for s in previous.sections}
    keys = [s.key for s in current.sections] + [
        k for k in old_sections if k not in {s.key for s in current.sections}
    ]
    new_sections = {s.key: s for s in current.sections}
    result = []
    for key in keys:
        new, old = new_sections.get(key), old_sections.get(key)
        new_rows, old_rows = _rows(new), _rows(old)
        changed = []
        if new is not None and old is not None:
            for row_key, row in new_rows.items():
                if row_key in old_rows:
                    change = _row_change(new, old_rows[row_key], row, old)
                    if change:
                        changed.append(change)
        result.append(
            SectionComparison(
                key=key,
                title=(new or old).title,
                changed=tuple(changed),
                added=tuple(_ref(r) for k, r in new_rows.items() if k not in old_rows),
                removed=tuple(_ref(r) for k, r in old_rows.items() if k not in new_rows),
                counts_before=old.counts if old else StatusCounts(),
                counts_after=new.counts if new else StatusCounts(),
            )
        )
    return PackComparison(
        sections=tuple(result),
        overall_before=previous.summary.overall,
        overall_after=current.summary.overall,
    )
