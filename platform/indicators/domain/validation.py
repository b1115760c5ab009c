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
