"""Valid ranges for entered values.

A PI may say what a plausible value is: a minimum, a maximum, whole numbers only (a count of
households cannot be 2.5). Whether an out-of-range value is refused or accepted with an explicit
confirmation and a note is the PI's setting and the service's decision; this module only says
what is wrong, in words a data provider understands, such as
"1234 is above the maximum of 100 for this percentage".
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from goldenthread.platform.indicators.domain.numbers import as_decimal

# What to call a value of each unit in a sentence ("for this percentage"). Unknown units are
# named by their own value, with underscores as spaces.
_UNIT_NOUNS: dict[str, str] = {
    "percentage": "percentage",
    "number": "number",
    "money": "amount of money",
    "ratio": "ratio",
    "days": "number of days",
    "time": "time",
    "yes_no": "yes/no answer",
}


def unit_noun(unit: str) -> str:
    return _UNIT_NOUNS.get(unit, str(unit).replace("_", " "))


def show(number: Decimal) -> str:
    """A number as a person would write it: no exponent, no trailing zeros ('100', '2.5')."""
    text = format(number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


@dataclass(frozen=True)
class ValidRange:
    """The values a PI accepts; None means no limit on that side."""

    minimum: Decimal | None = None
    maximum: Decimal | None = None
    whole_numbers: bool = False

    def __post_init__(self) -> None:
        if self.minimum is not None:
            object.__setattr__(self, "minimum", as_decimal(self.minimum, name="the minimum"))
        if self.maximum is not None:
            object.__setattr__(self, "maximum", as_decimal(self.maximum, name="the maximum"))
        if self.minimum is not None and self.maximum is not None and self.minimum > self.maximum:
            raise ValueError(
                f"the minimum ({show(self.minimum)}) is above the maximum ({show(self.maximum)})"
            )


def check_value(value: Decimal, valid: ValidRange, *, unit: str) -> list[str]:
    """Everything wrong with `value` under `valid`, one sentence each; empty when it is fine.

    Limits are inclusive: the maximum itself is allowed.
    """
    value = as_decimal(value, name="the value")
    noun = unit_noun(unit)
    problems: list[str] = []
    if valid.minimum is not None and value < valid.minimum:
        problems.append(
            f"{show(value)} is below the minimum of {show(valid.minimum)} for this {noun}"
        )
    if valid.maximum is not None and value > valid.maximum:
        problems.append(
            f"{show(value)} is above the maximum of {show(valid.maximum)} for this {noun}"
        )
    if valid.whole_numbers and value != value.to_integral_value():
        problems.append(f"{show(value)} is not a whole number, and this {noun} must be one")
    return problems


# A percentage is out of 100 unless the PI says otherwise (a growth rate may go below 0 or
# above 100: its own limits say so). Each side the PI leaves empty takes the default.
DEFAULT_LIMITS: dict[str, tuple[Decimal | None, Decimal | None]] = {
    "percentage": (Decimal(0), Decimal(100)),
}


def valid_range_for(
    *, unit: str, minimum: Decimal | None, maximum: Decimal | None, whole_numbers: bool = False
) -> ValidRange:
    """The range a PI accepts: its own limits, and its unit's default on a side it leaves
    empty (0 to 100 for a percentage)."""
    low, high = DEFAULT_LIMITS.get(str(unit), (None, None))
    if minimum is None and (maximum is None or low is None or low <= maximum):
        minimum = low
    if maximum is None and (minimum is None or high is None or high >= minimum):
        maximum = high
    return ValidRange(minimum=minimum, maximum=maximum, whole_numbers=whole_numbers)


@dataclass(frozen=True)
class ChangeRule:
    """When a value is far enough from the previous period's to ask the provider to confirm
    it with a note (settings.INDICATOR_UNUSUAL_CHANGE; see docs/architecture.md).

    With at least `minimum_history` earlier values, a change is far when it is more than
    `usual_change_multiple` times the median absolute change between the last `history`
    values, and also more than `minimum_relative_change` of the previous value (so that a
    very steady series is not flagged for a trivial move). With less history, it is far when
    the new value is more than `ratio_without_history` times the previous one or less than
    its reciprocal, or has the opposite sign.
    """

    usual_change_multiple: Decimal = Decimal(5)
    minimum_relative_change: Decimal = Decimal("0.1")
    ratio_without_history: Decimal = Decimal(3)
    minimum_history: int = 4
    history: int = 9

    def __post_init__(self) -> None:
        for name in ("usual_change_multiple", "minimum_relative_change", "ratio_without_history"):
            number = getattr(self, name)
            if isinstance(number, int | float | str) and not isinstance(number, bool):
                object.__setattr__(self, name, Decimal(str(number)))
            if getattr(self, name) < 0:
                raise ValueError(f"{name} cannot be negative")
        if self.minimum_history < 2 or self.history < self.minimum_history:
            raise ValueError("minimum_history must be at least 2 and history at least that")


def _median(numbers: list[Decimal]) -> Decimal:
    ordered = sorted(numbers)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


def unusual_change(
    value: Decimal, history: list[tuple[str, Decimal]], rule: ChangeRule
) -> str | None:
    """Why `value` is far from the previous one, or None. `history` holds the earlier
    (period label, value) pairs, oldest first; the last is the previous value."""
    value = as_decimal(value, name="the value")
    if not history:
        return None
    recent = [as_decimal(number, name="a previous value") for _, number in history][-rule.history :]
    label, previous = history[-1][0], recent[-1]
    change = abs(value - previous)
    if change == 0:
        return None
    was = f"{show(value)} is far from {show(previous)}, the value for {label}"
    if len(recent) >= rule.minimum_history:
        usual = _median([abs(b - a) for a, b in zip(recent, recent[1:], strict=False)])
        if change <= rule.usual_change_multiple * usual:
            return None
        if previous != 0 and change <= rule.minimum_relative_change * abs(previous):
            return None
        return (
            f"{was}: a change of {show(change)}, more than {show(rule.usual_change_multiple)} "
            f"times the usual change of {show(usual)} between periods"
        )
    if previous == 0 or value == 0:
        return None  # no ratio to judge by
    if (value < 0) != (previous < 0):
        return f"{was}, and on the other side of zero"
    ratio = abs(value) / abs(previous)
    limit = rule.ratio_without_history
    if ratio > limit:
        return f"{was}: more than {show(limit)} times it"
    if ratio * limit < 1:
        return f"{was}: less than 1/{show(limit)} of it"
    return None
