"""Number handling shared by the domain functions: Decimal only, rounded half up.

Council reports round the way a spreadsheet's ROUND does: halves go away from zero
(79.95 -> 80.0, -2.5 -> -3). Python's own `round()` rounds halves to even and floats cannot
hold 79.95 exactly, so neither is used anywhere a value is compared or shown.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def as_decimal(number: Decimal | int, *, name: str) -> Decimal:
    """`number` as a Decimal; a float or string is refused, because it has already lost, or
    has not yet been given, the exact value the council entered."""
    if type(number) is Decimal and number.is_finite():
        return number  # the common case, checked first: reports call this thousands of times
    if isinstance(number, bool) or not isinstance(number, Decimal | int):
        raise TypeError(f"{name} must be a Decimal, not {type(number).__name__}")
    if isinstance(number, int):
        return Decimal(number)
    if not number.is_finite():
        raise ValueError(f"{name} must be a finite number, not {number}")
    return number


def check_places(decimal_places: int) -> int:
    if isinstance(decimal_places, bool) or not isinstance(decimal_places, int):
        raise TypeError("decimal_places must be a whole number")
    if decimal_places < 0:
        raise ValueError(f"decimal_places cannot be negative ({decimal_places})")
    return decimal_places


# The step to round to for each usual number of places, worked out once (a report rounds
# thousands of numbers).
_STEPS = {places: Decimal(1).scaleb(-places) for places in range(10)}


def round_half_up(number: Decimal, decimal_places: int) -> Decimal:
    """`number` rounded to `decimal_places`, halves away from zero (79.95 at 1 dp is 80.0)."""
    step = _STEPS.get(decimal_places) if type(decimal_places) is int else None
    if step is None:
        step = Decimal(1).scaleb(-check_places(decimal_places))
    return number.quantize(step, rounding=ROUND_HALF_UP)
