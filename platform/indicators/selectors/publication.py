"""The member's side of publication: approved values copied into `ValueSnapshot`s.

Publication (public schema) never reads these tables; it asks this module, which
`IndicatorsConfig.ready()` registers as its snapshot source. Everything here runs in the
member's schema (the connection's current one).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db.models import Q

from goldenthread.platform.core.errors import Conflict
from goldenthread.shared_indicators.publication.domain.snapshots import ValueSnapshot

from ..domain.choices import WorkflowStatus
from ..models import Commentary, Indicator, IndicatorValue


def published_code(indicator: Indicator) -> str:
    """The code a PI publishes under: its catalogue code when adopted, else its own code
    (a partnership-defined indicator; a basis must name that code for it to publish)."""
    return indicator.catalogue_code or indicator.code


def latest_commentary(indicator: Indicator, period_code: str) -> str:
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


def _approved_values():
    return IndicatorValue.objects.filter(workflow_status=WorkflowStatus.APPROVED).select_related(
        "indicator", "sub_area", "approved_by"
    )


def approved_snapshot(*, value_id: int) -> ValueSnapshot | None:
    """The snapshot of one value, read afresh: None when it is missing or no longer approved
    (a task arriving after the value was reopened publishes nothing)."""
    value = _approved_values().filter(pk=value_id).first()
    return None if value is None else snapshot_from_value(value)


def approved_snapshots(*, indicator_codes: Sequence[str]) -> list[ValueSnapshot]:
    """Snapshots of every approved value published under those codes (catalogue codes, or
    local codes of PIs not adopted from the catalogue), with commentary read in one query."""
    codes = sorted(set(indicator_codes))
    values = list(
        _approved_values()
        .filter(
            Q(indicator__catalogue_code__in=codes)
            | Q(indicator__catalogue_code="", indicator__code__in=codes)
        )
        .order_by("indicator_id", "period_start", "sub_area_id")
    )
    latest: dict[tuple[int, str], str] = {}
    commentaries = (
        Commentary.objects.filter(indicator_id__in={v.indicator_id for v in values})
        .order_by("indicator_id", "period_code", "-created_at", "-id")
        .values_list("indicator_id", "period_code", "text")
    )
    for indicator_id, period_code, text in commentaries:
        latest.setdefault((indicator_id, period_code), text)
    return [
        snapshot_from_value(
            value, commentary=latest.get((value.indicator_id, value.period_code), "")
        )
        for value in values
    ]
