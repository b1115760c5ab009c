"""The words a catalogue file may use, mapped onto our stored values.

Each parser takes a raw cell (text from a CSV, or whatever type openpyxl gives for XLSX) and
returns the stored value or raises ValueError with a message meant for the person who wrote
the file.
"""

from __future__ import annotations

import datetime as dt
import re

from goldenthread.platform.core.choices import Frequency, Polarity

_SEPARATORS = re.compile(r"[\s_\-]+")


def words(value: str) -> str:
    """Lower case with runs of spaces, underscores and hyphens collapsed to one space."""
    return _SEPARATORS.sub(" ", value.strip().lower()).strip()


def normalise_header(value: str) -> str:
    return words(value).replace(" ", "_")


POLARITY_WORDS: dict[str, str] = {
    **{w: Polarity.HIGHER_IS_BETTER for w in ("higher", "higher is better", "high", "up")},
    **{w: Polarity.LOWER_IS_BETTER for w in ("lower", "lower is better", "low", "down")},
    **{w: Polarity.NONE for w in ("none", "no polarity", "neither", "n/a", "na")},
}

FREQUENCY_WORDS: dict[str, str] = {
    **{w: Frequency.WEEKLY for w in ("weekly", "week")},
    **{w: Frequency.MONTHLY for w in ("monthly", "month")},
    **{w: Frequency.QUARTERLY for w in ("quarterly", "quarter")},
    **{
        w: Frequency.THREE_TIMES_A_YEAR
        for w in ("three times a year", "three surveys a year", "termly", "tertial")
    },
    **{w: Frequency.HALF_YEARLY for w in ("half yearly", "six monthly", "biannually")},
    **{w: Frequency.ANNUAL for w in ("annual", "annually", "yearly", "year")},
}

TRUE_WORDS = {"yes", "y", "true", "1", "retired"}
FALSE_WORDS = {"no", "n", "false", "0", ""}


def as_text(value: object) -> str:
    """The cell as text, as a person reading the spreadsheet would see it."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def parse_polarity(value: object) -> str:
    text = as_text(value)
    key = words(text)
    if key not in POLARITY_WORDS:
        raise ValueError(f"'{text}' is not a polarity; use higher, lower or none.")
    return POLARITY_WORDS[key]


def parse_frequency(value: object) -> str:
    text = as_text(value)
    key = words(text)
    if key not in FREQUENCY_WORDS:
        raise ValueError(
            f"'{text}' is not a collection frequency; use weekly, monthly, quarterly, "
            "three times a year, half-yearly or annual."
        )
    return FREQUENCY_WORDS[key]


MAX_DECIMAL_PLACES = 6


def parse_decimal_places(value: object) -> int:
    if isinstance(value, bool):
        raise ValueError(f"'{value}' is not a whole number.")
    if isinstance(value, int):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    else:
        text = as_text(value)
        if not re.fullmatch(r"\d+", text):
            raise ValueError(f"'{text}' is not a whole number of decimal places.")
        number = int(text)
    if not 0 <= number <= MAX_DECIMAL_PLACES:
        raise ValueError(f"{number} is out of range; use 0 to {MAX_DECIMAL_PLACES}.")
    return number


def parse_date(value: object) -> dt.date | None:
    """ISO dates (2008-04-01) or UK day-first dates (01/04/2008); real dates from XLSX."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = as_text(value)
    if not text:
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"'{text}' is not a date; write it as YYYY-MM-DD or DD/MM/YYYY.")


def parse_flag(value: object) -> bool:
    if isinstance(value, bool):
        return value
    text = as_text(value)
    key = words(text)
    if key in TRUE_WORDS:
        return True
    if key in FALSE_WORDS:
        return False
    raise ValueError(f"'{text}' is not yes or no.")
