"""From members' figures to the partnership's figure. Pure: no database, no clock.

Rules (`choices.Aggregation`):

* sum: the members' values added up. A partial sum understates the total, so while any
  expected member's figure is missing the partnership figure is missing too; the partial
  total of what has arrived is still reported beside it, labelled as partial.
* mean: the average of the values that have arrived.
* weighted: the average of the values weighted by each member's denominator (a rate per
  population, weighted by population); a member with no denominator cannot be weighted and
  counts as missing.
* recompute: total numerator over total denominator, times the indicator's factor (the
  right way to combine percentages); a member without both counts as missing.

A member's figure marked "not applicable" is left out and does not count as missing. Every
other absence (nothing published, not collected, no number) is missing — never zero. The
result says which members are missing, so a figure over fewer members is never mistaken
for a complete one.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal


class Rule:
    SUM = "sum"
    MEAN = "mean"
    WEIGHTED = "weighted"
    RECOMPUTE = "recompute"


@dataclass(frozen=True)
class Contribution:
    member: Hashable
    value: Decimal | None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    value_state: str = "entered"


@dataclass(frozen=True)
class Aggregate:
    value: Decimal | None
    complete: bool
    used: tuple = field(default=())
    missing: tuple = field(default=())
    excluded: tuple = field(default=())
    partial_value: Decimal | None = None

    @property
    def state(self) -> str:
        """'entered' when there is a figure, else 'missing' (for `status.assess`)."""
        return "entered" if self.value is not None else "missing"


def _usable(rule: str, item: Contribution) -> bool:
    if item.value_state != "entered":
        return False
    if rule == Rule.WEIGHTED:
        return item.value is not None and item.denominator not in (None, Decimal(0))
    if rule == Rule.RECOMPUTE:
        return item.numerator is not None and item.denominator is not None
    return item.value is not None


def aggregate(
    *,
    rule: str,
    expected: Sequence[Hashable],
    contributions: Iterable[Contribution],
    factor: Decimal = Decimal(1),
) -> Aggregate:
    """The partnership figure from the contributions of the `expected` members.

    Contributions from organisations not in `expected` are ignored.
    """
    if rule not in (Rule.SUM, Rule.MEAN, Rule.WEIGHTED, Rule.RECOMPUTE):
        raise ValueError(f"unknown aggregation rule {rule!r}")
    by_member = {item.member: item for item in contributions}
    used, missing, excluded = [], [], []
    for member in expected:
        item = by_member.get(member)
        if item is not None and item.value_state == "not_applicable":
            excluded.append(item)
        elif item is not None and _usable(rule, item):
            used.append(item)
        else:
            missing.append(member)
    complete = not missing
    value: Decimal | None = None
    partial: Decimal | None = None
    if used:
        if rule == Rule.SUM:
            partial = sum((item.value for item in used), Decimal(0))
            value = partial if complete else None
        elif rule == Rule.MEAN:
            value = sum((item.value for item in used), Decimal(0)) / len(used)
        elif rule == Rule.WEIGHTED:
            weights = sum((item.denominator for item in used), Decimal(0))
            value = (
                sum((item.value * item.denominator for item in used), Decimal(0)) / weights
                if weights
                else None
            )
        else:
            denominator = sum((item.denominator for item in used), Decimal(0))
            numerator = sum((item.numerator for item in used), Decimal(0))
            value = numerator / denominator * Decimal(factor) if denominator else None
    return Aggregate(
        value=value,
        complete=complete,
        used=tuple(item.member for item in used),
        missing=tuple(missing),
        excluded=tuple(item.member for item in excluded),
        partial_value=partial if rule == Rule.SUM and not complete else None,
    )
