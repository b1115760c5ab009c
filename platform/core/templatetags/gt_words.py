"""Template filters that say stored codes in words (see `core.words`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template

from goldenthread.platform.core.choices import Frequency, Polarity
from goldenthread.platform.core.words import joined

register = template.Library()


def _label(choices: Any, value: Any) -> str:
    return dict(choices.choices).get(value, "" if value is None else str(value))


@register.filter
def polarity_words(value: Any) -> str:
    """ "higher" -> "Higher is better"."""
    return _label(Polarity, value)


@register.filter
def frequency_words(value: Any) -> str:
    """ "half_yearly" -> "Half-yearly"."""
    return _label(Frequency, value)


@register.filter
def field_names(names: Iterable[str]) -> str:
    """Recorded field names said as words: ["decimal_places", "unit"] -> "Decimal places and
    unit"."""
    words = [str(name).replace("_", " ") for name in names]
    return joined([words[0].capitalize(), *words[1:]] if words else [])
