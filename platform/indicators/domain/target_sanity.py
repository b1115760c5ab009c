"""Advice on a target as it is set: unambitious, unrealistic, or out of line with the year.

A target is the council's choice, so these are words of advice returned with the saved
target, never a refusal:

* unambitious: the target is worse than current performance (the latest value), by the PI's
  polarity. A target of 70% for a PI already at 80% (higher is better) sets the bar lower
  than where it is.
* unrealistic: the target is better than the best the PI (or, where given, its consented
  peers) has ever achieved, by more than `UNREALISTIC_MARGIN` of that best. Peers widen the
  range of what is achievable: the best of either counts.
* inconsistent with the profile: the annual target does not match its periods' targets
  (their sum for a PI whose periods add up, their average otherwise), by more than half a
  unit at the PI's decimal places.

A PI with no polarity (data only) or in a band gets no ambition advice: there is no "better".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

UNREALISTIC_MARGIN = Decimal("0.10")


@dataclass(frozen=True)
class Advice:
    key: str
    words: str


def _better(a: Decimal, b: Decimal, polarity: str) -> bool:
    """Whether `a` is strictly better than `b` for a PI of this polarity."""
    if polarity == "higher":
        return a > b
    if polarity == "lower":
        return a < b
    return False


def _fmt(number: Decimal, decimal_places: int) -> str:
    return f"{number:,.{decimal_places}f}"


def target_advice(
    *,
    target: Decimal,
    polarity: str,
    decimal_places: int = 1,
    current: Decimal | None = None,
    history: Sequence[Decimal] = (),
    peer_values: Sequence[Decimal] = (),
    profile: Sequence[Decimal] = (),
    profile_sums: bool = False,
) -> list[Advice]:
    """Advice on `target`. `current` is the latest value; `history` the PI's own values;
    `peer_values` its consented peers'; `profile` the periods' targets when `target` is an
    annual one (`profile_sums` when the periods add up to the year)."""
    advice: list[Advice] = []
    dp = decimal_places
    if current is not None and _better(current, target, polarity):
        advice.append(
            Advice(
                "unambitious",
                f"Unambitious: the target {_fmt(target, dp)} is worse than current "
                f"performance ({_fmt(current, dp)}).",
            )
        )
    achieved = [*history, *peer_values]
    if achieved and polarity in ("higher", "lower"):
        best = max(achieved) if polarity == "higher" else min(achieved)
        margin = abs(best) * UNREALISTIC_MARGIN
        limit = best + margin if polarity == "higher" else best - margin
        if _better(target, limit, polarity):
            whose = "the PI or its peers have" if peer_values else "the PI has"
            advice.append(
                Advice(
                    "unrealistic",
                    f"Possibly unrealistic: the target {_fmt(target, dp)} is well beyond the "
                    f"best {whose} achieved ({_fmt(best, dp)}).",
                )
            )
    if profile:
        expected = sum(profile, Decimal(0))
        if not profile_sums:
            expected = expected / Decimal(len(profile))
        if abs(expected - target) > Decimal(1).scaleb(-dp) / 2:
            how = "add up to" if profile_sums else "average"
            advice.append(
                Advice(
                    "inconsistent_profile",
                    f"Inconsistent with the profile: the periods' targets {how} "
                    f"{_fmt(expected, dp)}, not the annual target {_fmt(target, dp)}.",
                )
            )
    return advice
