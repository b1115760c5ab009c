"""SQL shared by the ranking table's writer (`refresh`: a club's ranks, kept) and reader
(`read`: a comparator group's ranks, computed when asked), so that a club and a group are
ranked and summarised by one rule, the rule of `domain.ranking`.

Ranks are competition ranks (`rank()`, 1 = best, polarity-aware), quartiles
floor(4 (rank - 1) / n) + 1, the median the middle value or the mean of the two middle values
of the numeric values themselves (`percentile_cont` works in double precision, which would not
give the reference's exact decimal); median and mean rounded half up to one more decimal place
than the indicator's (`%(places)s`).
"""

from __future__ import annotations

from ...domain.ranking import HIGHER, LOWER

# The better values first; without polarity, the highest first (for listing only: no rank).
_BETTER_FIRST = {HIGHER: "DESC", LOWER: "ASC"}


def rank(value: str, polarity: str) -> str:
    """The competition rank of `value` within the window `same_period`; NULL without
    polarity."""
    direction = _BETTER_FIRST.get(polarity)
    if direction is None:
        return "NULL::bigint"
    return f"rank() OVER (same_period ORDER BY {value} {direction})"


def listing_order(polarity: str) -> str:
    """The direction entries are listed in: better first, or highest first."""
    return _BETTER_FIRST.get(polarity, "DESC")


def quartile(rank_column: str, count_column: str) -> str:
    return (
        f"CASE WHEN {rank_column} IS NOT NULL THEN 4 * ({rank_column} - 1) / {count_column} + 1 END"
    )


# A period's figures, aggregated over rows that carry `value`, their `place` in a listing by
# value and the period's count `n` (any order by value has the same middle values, so
# `place` finds the median).
SUMMARY_COLUMNS = """count(*) AS n,
           round(avg(value) FILTER (WHERE place IN ((n + 1) / 2, (n + 2) / 2)),
                 %(places)s + 1) AS median,
           round(avg(value), %(places)s + 1) AS mean,
           min(value) AS minimum,
           max(value) AS maximum"""
