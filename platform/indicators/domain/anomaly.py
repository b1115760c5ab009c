"""Is an entered value far from the PI's own history? (settings.INDICATOR_ANOMALY)

Robust and seasonal: the value is compared with the median of the same period in past years
and with the median of the latest values, each with its median absolute deviation (MAD,
scaled by 1.4826 to read like a standard deviation) as the usual spread. It is an anomaly when
it is more than `threshold` usual spreads from *every* reference there is enough history for:
a December peak that Decembers always have is not flagged (close to past Decembers), nor is a
steady climb (close to recent values). Each spread is at least `minimum_relative_spread` of
its median, so that a perfectly steady series is not flagged for a trivial move.

Pure: no database, no settings, no clock.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from .validation import _median, show

MAD_SCALE = Decimal("1.4826")


@dataclass(frozen=True)
class AnomalyRule:
    threshold: Decimal = Decimal(4)  # usual spreads from the reference
    minimum_relative_spread: Decimal = Decimal("0.05")
    minimum_same_period: int = 3  # past years of the same period for a seasonal reference
    minimum_recent: int = 6  # latest values for a recent reference
    recent: int = 12
    years: int = 5  # past years of the same period looked at
    # Consented benchmarking peers' values for the same catalogue indicator and period.
    peer_threshold: Decimal = Decimal(4)  # usual spreads from the peers' median
    minimum_peers: int = 5  # fewer peers say too little about what is usual

    def __post_init__(self) -> None:
        for name in ("threshold", "minimum_relative_spread", "peer_threshold"):
            number = getattr(self, name)
            if not isinstance(number, Decimal):
                object.__setattr__(self, name, Decimal(str(number)))
            if getattr(self, name) < 0:
                raise ValueError(f"{name} cannot be negative")
        if self.minimum_same_period < 2 or self.minimum_recent < 2 or self.minimum_peers < 2:
            raise ValueError("a reference needs at least 2 values")


@dataclass(frozen=True)
class Reference:
    words: str
    median: Decimal
    spread: Decimal


def reference(words: str, values: Sequence[Decimal], rule: AnomalyRule) -> Reference:
    middle = _median(list(values))
    mad = _median([abs(v - middle) for v in values]) * MAD_SCALE
    return Reference(words, middle, max(mad, rule.minimum_relative_spread * abs(middle)))


def anomaly(
    value: Decimal,
    *,
    same_period: Sequence[Decimal],
    recent: Sequence[Decimal],
    rule: AnomalyRule,
) -> str | None:
    """Why `value` is far from the PI's history, or None. `same_period` holds the same
    period's values in past years; `recent` the latest values, oldest first."""
    references = []
    if len(same_period) >= rule.minimum_same_period:
        references.append(reference("the same period in past years", same_period, rule))
    recent = list(recent)[-rule.recent :]
    if len(recent) >= rule.minimum_recent:
        references.append(reference(f"the last {len(recent)} values", recent, rule))
    if not references:
        return None
    for ref in references:
        if ref.spread == 0 or abs(value - ref.median) <= rule.threshold * ref.spread:
            return None
    reasons = "; ".join(
        f"{ref.words} have a median of {show(ref.median)} and a usual spread of "
        f"{show(ref.spread.quantize(Decimal('0.01')))}"
        for ref in references
    )
    return (
        f"{show(value)} is far from this indicator's own history (more than "
        f"{show(rule.threshold)} times the usual spread): {reasons}"
    )


def peer_anomaly(value: Decimal, *, peers: Sequence[Decimal], rule: AnomalyRule) -> str | None:
    """Why `value` is far from consented benchmarking peers' values for the same indicator and
    period, or None. Flagged only with at least `rule.minimum_peers` peers, outside the range
    they span, and more than `rule.peer_threshold` usual spreads (MAD x 1.4826, at least
    `minimum_relative_spread` of the median) from their median: councils differ, so only a
    value unlike any peer's, by far, is worth a second look (a misplaced decimal point)."""
    peers = list(peers)
    if len(peers) < rule.minimum_peers:
        return None
    if min(peers) <= value <= max(peers):
        return None
    ref = reference("peers", peers, rule)
    if ref.spread == 0 or abs(value - ref.median) <= rule.peer_threshold * ref.spread:
        return None
    return (
        f"{show(value)} is far from the values {len(peers)} benchmarking peers published for "
        f"this period (median {show(ref.median)}, from {show(min(peers))} to "
        f"{show(max(peers))}; more than {show(rule.peer_threshold)} times their usual spread "
        f"of {show(ref.spread.quantize(Decimal('0.01')))})"
    )
