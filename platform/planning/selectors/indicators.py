"""The PI facts planning needs: each PI's latest stored status (from the performance core)."""

from __future__ import annotations

from django.db.models import OuterRef, QuerySet, Subquery

from goldenthread.platform.indicators.domain.status import STATUS_PRESENTATION, Status
from goldenthread.platform.indicators.models import Indicator, IndicatorValue


def latest_status_subquery(indicator_ref: str = "pk") -> Subquery:
    """The stored status of a PI's most recent overall value (the performance core assessed it
    when the value was saved; planning never recomputes it)."""
    latest = IndicatorValue.objects.filter(
        indicator=OuterRef(indicator_ref), sub_area__isnull=True
    ).order_by("-period_start")
    return Subquery(latest.values("status")[:1])


def indicators_with_status() -> QuerySet[Indicator]:
    return Indicator.objects.select_related("owner").annotate(
        latest_status=latest_status_subquery()
    )


def status_presentation(status: str | None):
    """Presentation of a stored status; no value yet reads as missing data, not as a colour."""
    try:
        return STATUS_PRESENTATION[Status(status)]
    except ValueError:
        return STATUS_PRESENTATION[Status.MISSING]
