"""The weighted-basket score of a strategy node's PIs.

Each PI whose latest status is on target scores 100, a warning 50 and off target 0; PIs with
no assessable status (data only, missing, not due...) are left out rather than counted as 0, so
a late return does not look like failure. The basket is the weighted mean over PIs that have a
weight; with no weighted, assessable PI there is no score (None), not 0.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from goldenthread.platform.indicators.domain.status import Status

STATUS_POINTS: dict[str, Decimal] = {
    Status.ON_TARGET: Decimal(100),
    Status.WARNING: Decimal(50),
    Status.OFF_TARGET: Decimal(0),
}


def weighted_basket_score(items: Iterable[tuple[str | None, Decimal | None]]) -> Decimal | None:
    """`items` are (latest status, weight) pairs; returns 0–100 to one decimal place, or None."""
    total_weight = Decimal(0)
    total = Decimal(0)
    for status, weight in items:
        if weight is None or weight <= 0 or status not in STATUS_POINTS:
            continue
        total_weight += weight
        total += weight * STATUS_POINTS[status]
    if total_weight == 0:
        return None
    return (total / total_weight).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
