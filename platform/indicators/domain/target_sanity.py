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

For a catalogue PI in a benchmarking club, the peers' quartiles of the latest period the club
shows are given as a guide (`peer_quartile_advice`), with the quartile the target would sit in.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from .numbers import round_half_up

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
    # Half up, as council reports round (a Decimal's own format rounds half to even).
    return f"{round_half_up(number, decimal_places):,.{decimal_places}f}"


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


MINIMUM_PEERS_FOR_QUARTILES = 4
QUARTILE_WORDS = (
    "the best quartile",
    "the second quartile",
    "the third quartile",
    "the worst quartile",
)


def peer_quartiles(values: Sequence[Decimal]) -> tuple[Decimal, Decimal, Decimal]:
    """Lower quartile, median and upper quartile (the inclusive method, as a spreadsheet's
    QUARTILE.INC)."""
    q1, q2, q3 = statistics.quantiles(sorted(values), n=4, method="inclusive")
    return q1, q2, q3


def peer_quartile_advice(
    *,
    target: Decimal,
    polarity: str,
    decimal_places: int,
    club: str,
    period_label: str,
    values: Sequence[Decimal],
) -> Advice | None:
    """The club's peers' quartiles as a guide, and which quartile the target would be in (by
    polarity; best first). None with fewer than `MINIMUM_PEERS_FOR_QUARTILES` peers."""
    if len(values) < MINIMUM_PEERS_FOR_QUARTILES:
        return None
    q1, q2, q3 = peer_quartiles(values)
    dp = decimal_places
    words = (
        f"Guide: in {club}, {len(values)} peers' values for {period_label} have a lower "
        f"quartile of {_fmt(q1, dp)}, a median of {_fmt(q2, dp)} and an upper quartile of "
        f"{_fmt(q3, dp)}"
    )
    if polarity in ("higher", "lower"):
        if polarity == "higher":  # 0: at or above the upper quartile
            rank = sum(1 for bound in (q1, q2, q3) if target < bound)
        else:  # 0: at or below the lower quartile
            rank = sum(1 for bound in (q1, q2, q3) if target > bound)
        words += f"; the target would be in {QUARTILE_WORDS[rank]}"
    return Advice("peer_quartiles", words + ".")
