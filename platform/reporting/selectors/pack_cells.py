"""Cells of a pack from the indicators' report rows: numbers with their unit and places, words
for statuses and trends, and the unapproved mark on every figure not yet approved."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from goldenthread.platform.indicators.domain.choices import WorkflowStatus
from goldenthread.platform.indicators.domain.status import STATUS_PRESENTATION, Status
from goldenthread.platform.indicators.domain.trends import TREND_PRESENTATION, Trend
from goldenthread.platform.indicators.templatetags.indicators import number_format, reading_in

from ..domain.pack import DATE, NUMBER, STATUS, TREND, PackCell

DASH = "—"
WORKFLOW_WORDS = {
    WorkflowStatus.DRAFT: "Draft, not yet approved",
    WorkflowStatus.SUBMITTED: "Submitted, not yet approved",
}
UNAPPROVED_WORDS = "Not yet approved"


def is_unapproved(reading) -> bool:
    """A figure is marked when it is shown (there is a value) and is not approved."""
    return (
        reading is not None
        and reading.value is not None
        and reading.workflow_status not in (None, WorkflowStatus.APPROVED)
    )


def reading_cell(reading, indicator, *, note: str = "") -> PackCell:
    """A reading of a PI: its number (or the words for why there is none)."""
    shown = number_format(indicator.unit_kind, indicator.decimal_places, DASH)
    unapproved = is_unapproved(reading)
    notes = [note] if note else []
    if unapproved:
        notes.append(WORKFLOW_WORDS.get(reading.workflow_status, UNAPPROVED_WORDS))
    return PackCell(
        kind=NUMBER,
        text=reading_in(reading, shown, DASH),
        number=reading.value if reading is not None else None,
        unit=indicator.unit_kind,
        decimals=indicator.decimal_places,
        unapproved=unapproved,
        note="; ".join(notes),
    )


def target_cell(value: Decimal | None, indicator, *, note: str = "") -> PackCell:
    shown = number_format(indicator.unit_kind, indicator.decimal_places, DASH)
    return PackCell(
        kind=NUMBER,
        text=shown(value),
        number=value,
        unit=indicator.unit_kind,
        decimals=indicator.decimal_places,
        note=note,
    )


def status_cell(status: Status | str, *, unapproved: bool = False) -> PackCell:
    status = Status(status)
    return PackCell(
        kind=STATUS,
        text=STATUS_PRESENTATION[status].label,
        code=status.value,
        unapproved=unapproved,
        note=UNAPPROVED_WORDS if unapproved else "",
    )


def trend_cell(trend: Trend | str, *, against: str = "") -> PackCell:
    trend = Trend(trend)
    return PackCell(
        kind=TREND, text=TREND_PRESENTATION[trend].label, code=trend.value, note=against
    )


def count_cell(count: int) -> PackCell:
    return PackCell(kind=NUMBER, text=f"{count:,}", number=Decimal(count), unit="", decimals=0)


def date_cell(day: date | None) -> PackCell:
    if day is None:
        return PackCell(kind=DATE, text=DASH)
    return PackCell(kind=DATE, text=f"{day.day} {day:%B %Y}", date_value=day)


def words_cell(code: str, text: str) -> PackCell:
    """A status of something that is not a PI (an action's, a risk's band): words and code."""
    return PackCell(kind=STATUS, text=text, code=code)
