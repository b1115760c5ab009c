"""What leaves a member's schema: a frozen copy of one approved value and its context.

Publication lives in the public schema and never imports the member's (tenant) models: the
tenant side builds `ValueSnapshot`s and hands them over. It does so through the one
`SnapshotSource` it registers in its `AppConfig.ready()` (indicators registers
`indicators.selectors.publication`), which publication asks when a worker publishes one
approved value or re-publishes a member's values for newly granted codes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Protocol

from goldenthread.platform.core.registry import Registry


@dataclass(frozen=True)
class ValueSnapshot:
    """One approved value as it will be published. Built in the member's schema by the
    tenant side (`indicators.selectors.publication.snapshot_from_value`); `publish_value`
    never looks at the member's tables itself."""

    indicator_code: str
    catalogue_indicator_id: int | None
    indicator_title: str
    unit: str
    unit_label: str
    polarity: str
    frequency: str
    decimal_places: int
    period_code: str
    period_type: str
    period_start: date
    period_end: date
    sub_area_kind: str
    sub_area_name: str
    value: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    value_state: str
    target: Decimal | None
    commentary: str
    source_value_id: int
    approved_by_name: str
    approved_at: datetime

    @property
    def is_breakdown(self) -> bool:
        """True for a ward, locality or group figure rather than the whole area."""
        return bool(self.sub_area_kind or self.sub_area_name)


class SnapshotSource(Protocol):
    """The tenant side's reads, run in the member's schema (the current connection's)."""

    def approved_snapshot(self, *, value_id: int) -> ValueSnapshot | None:
        """The snapshot of that value if it exists and is approved, else None."""
        ...

    def approved_snapshots(self, *, indicator_codes: Sequence[str]) -> list[ValueSnapshot]:
        """Snapshots of every approved value published under those codes."""
        ...


_sources: Registry[SnapshotSource] = Registry("snapshot source")


def register_snapshot_source(source: SnapshotSource) -> None:
    """Called once, by the tenant app that owns the values (indicators)."""
    _sources.register(source)


def snapshot_source() -> SnapshotSource:
    """The registered source; a missing registration fails loudly, never publishes nothing."""
    return _sources.only()
