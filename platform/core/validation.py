"""Turning input and model validation into domain errors, the same way in every app.

Services of every app (indicators, planning, partnerships) use these, so a user sees one
wording for a bad number or a failed `full_clean()` whichever screen or API they came from.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from goldenthread.platform.indicators.domain.numbers import (
    NumberNotUnderstood,
    parse_number,
    quoted,
)

from .errors import DomainError


def to_decimal(raw: Any, *, name: str, percent_sign: bool = False) -> Decimal | None:
    """A number from user input (text, int, Decimal, a JSON number), read by the one parser,
    `indicators.domain.numbers.parse_number`: a decimal comma or an ambiguous separator is
    refused with a message saying what was understood and what to type. None when empty.

    `name` starts the message ("The value"); `percent_sign` allows "12.5%" (a percentage)."""
    try:
        return parse_number(raw, percent_sign=percent_sign)
    except NumberNotUnderstood as error:
        shown = quoted(raw)
        if error.reason is None:
            raise DomainError(f"{name} must be a number, not '{shown}'.", code="invalid") from None
        raise DomainError(f"{name} '{shown}' {error.reason}.", code="invalid") from None


def validation_message(error: ValidationError) -> str:
    """A ValidationError as one sentence a user can read, naming the fields."""
    if hasattr(error, "error_dict"):
        parts = []
        for field, errors in error.message_dict.items():
            text = " ".join(errors)
            parts.append(text if field == "__all__" else f"{field.replace('_', ' ')}: {text}")
        return " ".join(parts)
    return " ".join(error.messages)


def clean_and_save(obj: models.Model, **save_kwargs: Any) -> None:
    """`full_clean()` then save; validation errors become a DomainError naming the fields."""
    try:
        obj.full_clean()
    except ValidationError as error:
        extra = {"fields": error.message_dict} if hasattr(error, "error_dict") else {}
        raise DomainError(validation_message(error), extra=extra) from None
    obj.save(**save_kwargs)
