"""Direction of travel: how a value moved since an earlier one.

Quarterly reports show two trends per PI: short term, against the previous period, and long
term, against the same period last year (see `core.periods`).

"Improving" means moving in the better direction, so it depends on polarity: a falling value
is an improvement for a lower-is-better PI (fewer days to re-let a council home) and a
deterioration for a higher-is-better one. A PI without polarity cannot get better or worse, so
its trend is only "increasing" or "decreasing". Values are compared as published, at the PI's
decimal places: 12.34 and 12.30 shown to 1 dp are both 12.3, which is no change. A trend needs
two numbers; if either period has none (missing, not collected, ...) there is no comparable
value.

The arrows follow the convention of council reports: up means improving and down means getting
worse, whichever way the number moved; for PIs without polarity the arrow is the number's own
direction. The words are always shown with the arrow.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from goldenthread.platform.indicators.domain.numbers import as_decimal, round_half_up
from goldenthread.platform.indicators.domain.status import Polarity


class Trend(StrEnum):
    IMPROVING = "improving"
    NO_CHANGE = "no_change"
    GETTING_WORSE = "getting_worse"
    INCREASING = "increasing"
    DECREASING = "decreasing"
    NOT_COMPARABLE = "not_comparable"


@dataclass(frozen=True)
class TrendPresentation:
    label: str
    icon: str
    words: str


TREND_PRESENTATION: dict[Trend, TrendPresentation] = {
    Trend.IMPROVING: TrendPresentation("Improving", "arrow-up", "moved in the better direction"),
    Trend.NO_CHANGE: TrendPresentation("No change", "arrow-right", "the same as before"),
    Trend.GETTING_WORSE: TrendPresentation(
        "Getting worse", "arrow-down", "moved in the worse direction"
    ),
    Trend.INCREASING: TrendPresentation("Increasing", "arrow-up", "higher than before"),
    Trend.DECREASING: TrendPresentation("Decreasing", "arrow-down", "lower than before"),
    Trend.NOT_COMPARABLE: TrendPresentation(
        "No comparable value", "dash", "there is no earlier value to compare with"
    ),
}


# Polarity by value (a member is its own value): looked up rather than converted, which costs
# more than the rest of a trend (reports work out thousands).
_POLARITIES: dict[str, Polarity] = {member.value: member for member in Polarity}


def trend(
    *,
    current: Decimal | None,
    previous: Decimal | None,
    polarity: Polarity,
    decimal_places: int,
) -> Trend:
    """The trend from `previous` to `current`, compared at `decimal_places` (round half up)."""
    polarity = _POLARITIES.get(polarity) or Polarity(polarity)
    if current is None or previous is None:
        return Trend.NOT_COMPARABLE
    now = round_half_up(as_decimal(current, name="the current value"), decimal_places)
    before = round_half_up(as_decimal(previous, name="the previous value"), decimal_places)
    if now == before:
        return Trend.NO_CHANGE
    went_up = now > before
    if polarity is Polarity.NONE:
        return Trend.INCREASING if went_up else Trend.DECREASING
    better = went_up if polarity is Polarity.HIGHER else not went_up
    return Trend.IMPROVING if better else Trend.GETTING_WORSE
