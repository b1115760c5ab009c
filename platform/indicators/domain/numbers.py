"""Number handling shared by the domain functions: Decimal only, rounded half up.

Council reports round the way a spreadsheet's ROUND does: halves go away from zero
(79.95 -> 80.0, -2.5 -> -3). Python's own `round()` rounds halves to even and floats cannot
hold 79.95 exactly, so neither is used anywhere a value is compared or shown.
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation


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


# --- reading numbers people type or paste ---------------------------------------------------

# The columns hold 20 digits, 6 of them after the point (`indicators.models.fields`): a
# number needing more than 14 before the point cannot be stored, whatever it means.
LARGEST_WHOLE_DIGITS = 14
# Longer text is not a number anyone typed; it is not echoed back in full either.
LONGEST_TEXT = 60

_MINUSES = "\u2212\u2013"  # the minus sign and the en dash a word processor puts for "-"
_SPACES = "\u00a0\u202f\u2009 "  # no-break, narrow no-break and thin spaces group thousands
_SHAPE = re.compile(r"(?P<body>[0-9][0-9., ]*|[.,][0-9][0-9., ]*)(?P<exponent>[eE][+-]?[0-9]+)?")
_GROUPED = {  # a whole part grouped in thousands by one separator: 1,234,567
    separator: re.compile(rf"[0-9]{{1,3}}(?:{re.escape(separator)}[0-9]{{3}})+")
    for separator in ",. "
}


class NumberNotUnderstood(ValueError):
    """Text that is not a number as we read numbers, or could be read two ways.

    `reason` completes a sentence about the text ("looks like 12.5 written with a decimal
    comma; type 12.5"); None means it is simply not a number.
    """

    def __init__(self, reason: str | None = None):
        super().__init__(reason or "not a number")
        self.reason = reason


def quoted(raw: object) -> str:
    """Typed text as it is shown back in a message: at most LONGEST_TEXT characters."""
    text = str(raw)
    return text if len(text) <= LONGEST_TEXT else text[: LONGEST_TEXT - 1] + "…"


def parse_number(raw: object, *, percent_sign: bool = False) -> Decimal | None:
    """The number a person meant by `raw`, or None for nothing typed.

    The rules (UK councils write a decimal point; pasted spreadsheet data may not):

    - a Decimal, an int or a JSON float is a number already and is only checked to be finite;
    - text is read with a decimal point: "12.5", "-3", ".5", "1.5E+05", with spaces around
      it ignored;
    - thousands may be grouped by commas or spaces where nothing else could be meant:
      "1,234,567", "1,234.5" and "1 234" are read; "1,234" alone is refused as ambiguous
      (1234 with a thousands comma, or 1.234 with a decimal comma), naming both readings;
    - a decimal comma ("12,5"), continental grouping ("1.234,5", "1.234.567") and a bracketed
      negative ("(5)") are refused, saying what the text looks like and what to type;
    - a trailing per cent sign is allowed only where `percent_sign` says so (a percentage's
      value is already in per cent: "12.5%" is 12.5);
    - only the digits 0-9 (Python's Decimal would read other scripts' digits too);
    - more than LARGEST_WHOLE_DIGITS digits before the point is refused as too large.

    Raises NumberNotUnderstood.
    """
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise NumberNotUnderstood()
    if isinstance(raw, Decimal | int | float):
        number = Decimal(repr(raw)) if isinstance(raw, float) else Decimal(raw)
        if not number.is_finite():
            raise NumberNotUnderstood()
        return _within_limits(number)
    text = str(raw).strip()
    if not text:
        return None
    if len(text) > LONGEST_TEXT:
        raise NumberNotUnderstood(f"is too long to be a number ({len(text)} characters)")
    for character in _SPACES:
        text = text.replace(character, " ")
    for character in _MINUSES:
        text = text.replace(character, "-")
    if text.endswith("%"):
        text = text[:-1].rstrip()
        if not percent_sign:
            raise NumberNotUnderstood(
                "has a per cent sign, but this is not a percentage; type the number without it"
                + (f", {text}" if _plain(text) else "")
            )
    if text.startswith("(") and text.endswith(")") and _plain(text[1:-1]):
        raise NumberNotUnderstood(
            f"looks like a negative number in brackets; type -{text[1:-1].strip()}"
        )
    sign = ""
    if text[:1] in "+-":
        sign, text = ("-" if text[0] == "-" else ""), text[1:].lstrip()
    shape = _SHAPE.fullmatch(text)
    if shape is None:
        raise NumberNotUnderstood()
    body, exponent = shape["body"].strip(), shape["exponent"] or ""
    plain = _read_body(body, sign=sign, exponent=exponent)
    try:
        number = Decimal(sign + plain + exponent)
    except InvalidOperation:
        raise NumberNotUnderstood() from None
    return _within_limits(number)


def _plain(text: str) -> bool:
    return bool(re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", text.strip()))


def _read_body(body: str, *, sign: str, exponent: str) -> str:
    """The digits and decimal point of `body`, thousands separators removed; refuses a body
    that is written another way or could be read two ways."""
    commas, dots, spaces = body.count(","), body.count("."), body.count(" ")
    if not commas and not spaces and dots <= 1:
        return body
    if exponent:
        raise NumberNotUnderstood()  # "1,5E3" is nobody's way of writing a number

    def meant(plain: str) -> str:
        return sign + plain.lstrip("0").rjust(1, "0") if "." not in plain else sign + plain

    if dots and commas and body.rfind(",") > body.rfind("."):
        whole, _, fraction = body.rpartition(",")
        if _grouped(whole, ".") or (dots == 0 and _grouped(whole, " ")):
            understood = meant(whole.replace(".", "").replace(" ", "") + "." + fraction)
            raise NumberNotUnderstood(
                f"looks like {understood} written with a decimal comma and dots between "
                f"thousands; type {understood}"
            )
        raise NumberNotUnderstood()
    whole, point, fraction = body.partition(".")
    if point and ("," in fraction or " " in fraction or "." in fraction):
        if dots > 1 and not commas and not spaces and _grouped(body, "."):
            understood = meant(body.replace(".", ""))
            raise NumberNotUnderstood(
                f"looks like {understood} written with dots between thousands; type {understood}"
            )
        raise NumberNotUnderstood()
    if commas and spaces:
        if commas == 1 and not point and _grouped(body.partition(",")[0], " "):
            understood = meant(body.replace(" ", "").replace(",", "."))
            raise NumberNotUnderstood(
                f"looks like {understood} written with a decimal comma; type {understood}"
            )
        raise NumberNotUnderstood()
    if spaces:
        if _grouped(whole, " "):
            return whole.replace(" ", "") + point + fraction
        raise NumberNotUnderstood()
    # Only commas in the whole part (and perhaps a decimal point after it).
    if _grouped(whole, ",") and (commas > 1 or point):
        return whole.replace(",", "") + point + fraction
    if commas == 1 and not point:
        before, _, after = whole.partition(",")
        as_decimal = meant(before + "." + after) if before else sign + "0." + after
        if _grouped(whole, ",") and before.lstrip("0"):
            as_thousands = meant(before + after)
            raise NumberNotUnderstood(
                f"could be {as_thousands} (a comma between thousands) or {as_decimal} (a "
                f"decimal comma); type {as_thousands} or {as_decimal}"
            )
        if after:
            raise NumberNotUnderstood(
                f"looks like {as_decimal} written with a decimal comma; type {as_decimal}"
            )
    raise NumberNotUnderstood()


def _grouped(whole: str, separator: str) -> bool:
    return bool(_GROUPED[separator].fullmatch(whole))


def _within_limits(number: Decimal) -> Decimal:
    if number.is_finite() and number != 0 and number.adjusted() >= LARGEST_WHOLE_DIGITS:
        raise NumberNotUnderstood(
            f"is too large: a value can have at most {LARGEST_WHOLE_DIGITS} digits before the point"
        )
    return number
