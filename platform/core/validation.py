"""Turning input and model validation into domain errors, the same way in every app.

Services of every app (indicators, planning, partnerships) use these, so a user sees one
wording for a bad number or a failed `full_clean()` whichever screen or API they came from.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from .errors import DomainError


def to_decimal(raw: Any, *, name: str) -> Decimal | None:
    """A number from user input (str, int, Decimal); refuses floats' binary surprises too."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool):
        raise DomainError(f"{name} must be a number, not {raw!r}.")
    try:
        number = Decimal(str(raw).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise DomainError(f"{name} must be a number, not '{raw}'.") from None
    if not number.is_finite():
        raise DomainError(f"{name} must be a finite number, not '{raw}'.")
    return number


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
