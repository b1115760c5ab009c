"""The indicator lists people can download (PIs, values, the audit trail), as sheets for
`core.exporting`: the same rows the pages list, in words, numbers as numbers.

Each function takes the queryset the page or REST list already built with its selector and
filters (so a download holds exactly what the list shows, on every page of it) and reads it
in a fixed number of queries: related rows come with `select_related`/`prefetch_related`,
never one query per row.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import QuerySet

from goldenthread.platform.core.exporting import (
    Number,
    Sheet,
    column_date,
    column_datetime,
    column_number,
    column_text,
)

from ..domain.choices import AuditAction, ValueState, WorkflowStatus
from ..domain.status import STATUS_PRESENTATION, Status
from ..models import AuditEntry, Indicator, IndicatorValue

CHUNK = 2000  # rows fetched at a time: memory stays flat on long lists


def status_words(code: str | None, blank: str = "No status") -> str:
    try:
        return STATUS_PRESENTATION[Status(code)].label if code else blank
    except ValueError:
        return code or blank


def _yes(flag: bool) -> str:
    return "Yes" if flag else "No"


INDICATOR_COLUMNS = (
    column_text("Code", width=14),
    column_text("Title", width=50),
    column_text("Service area", width=24),
    column_text("Owner", width=24),
    column_text("Frequency"),
    column_text("Unit"),
    column_number("Decimal places", decimals=0),
    column_text("Better when"),
    column_text("Latest status", width=16),
    column_text("Active"),
    column_text("National indicator"),
    column_text("Tags", width=24),
)


def indicator_sheet(*, indicators: QuerySet[Indicator]) -> Sheet:
    """The PI list (from `indicator_list`, which annotates `latest_status`)."""

    def rows() -> Iterator[tuple]:
        for pi in indicators.iterator(chunk_size=CHUNK):
            yield (
                pi.code,
                pi.title,
                pi.service_area.name if pi.service_area else "",
                pi.owner.full_name if pi.owner else "",
                pi.get_frequency_display(),
                pi.unit_label or pi.get_unit_kind_display(),
                pi.decimal_places,
                pi.get_polarity_display(),
                status_words(getattr(pi, "latest_status", None)),
                _yes(pi.is_active),
                _yes(pi.catalogue_indicator_id is not None),
                ", ".join(pi.tags),
            )

    # data_providers (a prefetch) is not exported: iterator() would fetch it per chunk anyway.
    return Sheet("Indicators", INDICATOR_COLUMNS, rows())


VALUE_COLUMNS = (
    column_text("PI code", width=14),
    column_text("PI title", width=40),
    column_text("Period"),
    column_date("Period start"),
    column_date("Period end"),
    column_text("Sub-area"),
    column_number("Value"),
    column_text("Unit"),
    column_text("Recorded as"),
    column_text("Approval"),
    column_text("Status", width=16),
    column_number("Target"),
    column_text("Entered by"),
    column_datetime("Entered at"),
    column_text("Approved by"),
    column_datetime("Approved at"),
)


def value_sheet(*, values: QuerySet[IndicatorValue], title: str = "Values") -> Sheet:
    """Values (from `value_list`); a value not yet approved says so in the Approval column."""
    states = dict(ValueState.choices)
    workflow = dict(WorkflowStatus.choices)

    def rows() -> Iterator[tuple]:
        for row in values.iterator(chunk_size=CHUNK):
            pi = row.indicator
            unit = pi.unit_kind
            yield (
                pi.code,
                pi.title,
                row.period_code,
                row.period_start,
                row.period_end,
                row.sub_area.name if row.sub_area else "Overall",
                Number(row.value, pi.decimal_places, unit),
                pi.unit_label or pi.get_unit_kind_display(),
                states.get(row.state, row.state),
                workflow.get(row.workflow_status, row.workflow_status),
                status_words(row.status),
                Number(row.status_target, pi.decimal_places, unit),
                row.entered_by.full_name if row.entered_by else "",
                row.entered_at,
                row.approved_by.full_name if row.approved_by else "",
                row.approved_at,
            )

    return Sheet(title, VALUE_COLUMNS, rows())


AUDIT_COLUMNS = (
    column_datetime("When"),
    column_text("Who", width=24),
    column_text("What happened", width=22),
    column_text("PI code", width=14),
    column_text("Period"),
    column_text("Changes", width=60),
    column_text("Reason", width=40),
)


def audit_sheet(*, entries: QuerySet[AuditEntry], title: str = "Audit trail") -> Sheet:
    """Audit entries (from `audit_list`), each change as "Field: old → new"."""
    # The page's own wording of fields and values, so the file reads like the history page.
    from ..pages.detail import audit_changes

    labels = dict(AuditAction.choices)
    entries = entries.select_related("indicator")

    def rows() -> Iterator[tuple]:
        for entry in entries.iterator(chunk_size=CHUNK):
            changes = "; ".join(
                f"{name}: {old} → {new}" if old else f"{name}: {new}"
                for name, old, new in audit_changes(entry)
            )
            yield (
                entry.at,
                entry.actor_name or "System",
                labels.get(entry.action, entry.action),
                entry.indicator.code if entry.indicator else "",
                entry.period_code,
                changes,
                entry.reason,
            )

    return Sheet(title, AUDIT_COLUMNS, rows())
