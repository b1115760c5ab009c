"""Ranks, quartiles and summary figures for one period's values. Pure: no ORM, no clock.

Rank: 1 is the best. "Best" follows the indicator's polarity: the highest value for a
higher-is-better indicator, the lowest for a lower-is-better one. Tied values share the best
rank of the tie and the next rank skips (standard competition ranking: 1, 2, 2, 4), so a rank
always says how many members did strictly better (rank - 1). An indicator without polarity
has no better direction: its values get no rank and no quartile, only the summary figures.

Values are compared at the indicator's decimal places, rounded half up, as they are shown:
80.04 and 79.96 at one decimal place are both 80.0, a tie.

Quartile (1 = best quarter, 4 = worst) is computed from the competition rank r among the n
members with a value:

    quartile = floor(4 * (r - 1) / n) + 1

so the members whose rank falls in the best quarter of positions are in quartile 1; with
eight members, ranks 1-2 are quartile 1, 3-4 quartile 2, 5-6 quartile 3, 7-8 quartile 4.
Because tied members share the best rank of their tie, they also share its quartile: a tie is
never split across a quartile boundary, and ties are resolved in the member's favour.

Median: the middle value, or the mean of the two middle values when n is even. Mean, minimum
and maximum are the usual ones. The median and mean are rounded half up to one more decimal
place than the indicator's (a median of 1.0 and 2.0 at 1 dp is 1.50, not 2.0).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from goldenthread.platform.indicators.domain.numbers import round_half_up

HIGHER = "higher"
LOWER = "lower"
NONE = "none"


@dataclass(frozen=True)
class Summary:
    count: int
    median: Decimal
    mean: Decimal
    minimum: Decimal
    maximum: Decimal


class Placing(NamedTuple):
    """One member's place: `rank` and `quartile` are None for an indicator without polarity."""

    value: Decimal
    rank: int | None
    quartile: int | None
    distance_from_median: Decimal


def compared(value: Decimal, decimal_places: int) -> Decimal:
    """A value as it is compared and shown."""
    return round_half_up(value, decimal_places)


def competition_ranks(
    values: Mapping[Hashable, Decimal], *, polarity: str
) -> dict[Hashable, int | None]:
    """Rank 1 = best by `polarity`; ties share the best rank (1, 2, 2, 4)."""
    if polarity not in (HIGHER, LOWER):
        return {key: None for key in values}
    ordered = sorted(values.values(), reverse=polarity == HIGHER)
    first_position: dict[Decimal, int] = {}
    for position, value in enumerate(ordered, start=1):
        first_position.setdefault(value, position)
    return {key: first_position[value] for key, value in values.items()}


def quartile_for(rank: int, count: int) -> int:
    """Quartile 1 (best) to 4 of competition rank `rank` among `count` members."""
    if count < 1 or not 1 <= rank <= count:
        raise ValueError(f"rank {rank} is not a rank among {count} members")
    return 4 * (rank - 1) // count + 1


def median_of(values: list[Decimal]) -> Decimal:
    if not values:
        raise ValueError("the median of no values is undefined")
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def summarise(values: list[Decimal], *, decimal_places: int) -> Summary:
    """Count, median, mean, minimum and maximum of values already at `decimal_places`."""
    if not values:
        raise ValueError("cannot summarise no values")
    places = decimal_places + 1
    return Summary(
        count=len(values),
        median=round_half_up(median_of(values), places),
        mean=round_half_up(sum(values, Decimal(0)) / len(values), places),
        minimum=min(values),
        maximum=max(values),
    )


def place_all(
    values: Mapping[Hashable, Decimal], *, polarity: str, decimal_places: int
) -> tuple[Summary, dict[Hashable, Placing]]:
    """Summary and each member's placing for one period. `values` are raw; they are compared
    at `decimal_places`."""
    shown = {key: compared(value, decimal_places) for key, value in values.items()}
    summary = summarise(list(shown.values()), decimal_places=decimal_places)
    ranks = competition_ranks(shown, polarity=polarity)
    placings = {
        key: Placing(
            value=value,
            rank=ranks[key],
            quartile=quartile_for(ranks[key], summary.count) if ranks[key] is not None else None,
            distance_from_median=value - summary.median,
        )
        for key, value in shown.items()
    }
    return summary, placings


def side_of_median(distance: Decimal, *, polarity: str) -> str:
    """'better', 'worse' or 'level' than the median, or for an indicator without polarity
    'above', 'below' or 'level'."""
    if distance == 0:
        return "level"
    if polarity == HIGHER:
        return "better" if distance > 0 else "worse"
    if polarity == LOWER:
        return "better" if distance < 0 else "worse"
    return "above" if distance > 0 else "below"
