"""What leaves a member's schema: a frozen copy of one approved value and its context."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from goldenthread.platform.core.errors import Conflict
from goldenthread.platform.indicators.choices import WorkflowStatus
from goldenthread.platform.indicators.models import Commentary, IndicatorValue


@dataclass(frozen=True)
class ValueSnapshot:
    """One approved value as it will be published. Built in the member's schema by
    `snapshot_from_value`; `publish_value` never looks at the member's tables itself."""

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


def published_code(indicator) -> str:
    """The code a PI publishes under: its catalogue code when adopted, else its own code
    (a partnership-defined indicator; a basis must name that code for it to publish)."""
    return indicator.catalogue_code or indicator.code


def latest_commentary(indicator, period_code: str) -> str:
    row = (
        Commentary.objects.filter(indicator=indicator, period_code=period_code)
        .order_by("-created_at", "-id")
        .values_list("text", flat=True)
        .first()
    )
    return row or ""


def snapshot_from_value(value: IndicatorValue, *, commentary: str | None = None) -> ValueSnapshot:
    """Copy an APPROVED value (read in the member's schema) into a snapshot.

    Refuses anything not approved: drafts and submitted values never leave the organisation.
    Commentary is the period's newest (whole-area values only; commentary is written per PI and
    period, not per sub-area); pass `commentary` to skip the lookup when publishing in bulk.
    The target is the one the value's status was assessed against when it was approved.
    """
    if value.workflow_status != WorkflowStatus.APPROVED or value.approved_at is None:
        raise Conflict(
            f"Only approved values are published; the value of {value.indicator.code} for "
            f"{value.period_code} is {value.get_workflow_status_display().lower()}.",
            code="not_approved",
        )
    indicator = value.indicator
    sub_area = value.sub_area
    if sub_area is not None:
        commentary = ""
    elif commentary is None:
        commentary = latest_commentary(indicator, value.period_code)
    approver = value.approved_by
    return ValueSnapshot(
        indicator_code=published_code(indicator),
        catalogue_indicator_id=indicator.catalogue_indicator_id,
        indicator_title=indicator.title,
        unit=indicator.unit_kind,
        unit_label=indicator.unit_label,
        polarity=indicator.polarity,
        frequency=indicator.frequency,
        decimal_places=indicator.decimal_places,
        period_code=value.period_code,
        period_type=value.period_type,
        period_start=value.period_start,
        period_end=value.period_end,
        sub_area_kind=sub_area.kind if sub_area else "",
        sub_area_name=sub_area.name if sub_area else "",
        value=value.value,
        numerator=value.numerator,
        denominator=value.denominator,
        value_state=value.state,
        target=value.status_target,
        commentary=commentary,
        source_value_id=value.pk,
        approved_by_name=(approver.full_name or approver.email) if approver else "",
        approved_at=value.approved_at,
    )
