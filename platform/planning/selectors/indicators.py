"""The PI facts planning needs: each PI's latest stored status (from the performance core)."""

from __future__ import annotations

from dataclasses import dataclass

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


# The performance core names its icons; pages here draw them as text glyphs (aria-hidden,
# always beside the words).
ICON_GLYPHS = {
    "circle-check": "\u2714",
    "triangle-exclamation": "\u26a0",
    "octagon-cross": "\u2716",
    "square-info": "\u2139",
    "diamond-question": "?",
    "clock": "\u25f7",
    "circle-minus": "\u2296",
    "circle-slash": "\u2298",
}


@dataclass(frozen=True)
class ShownStatus:
    status: str
    label: str
    css_class: str
    glyph: str


def status_presentation(status: str | None) -> ShownStatus:
    """How a stored status is shown; a PI with no value yet reads as missing, in words."""
    try:
        value = Status(status)
    except ValueError:
        value = Status.MISSING
    shown = STATUS_PRESENTATION[value]
    return ShownStatus(str(value), shown.label, shown.css_class, ICON_GLYPHS.get(shown.icon, ""))
