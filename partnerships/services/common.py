"""Helpers the partnership services share."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError

from goldenthread.platform.core.errors import DomainError
from goldenthread.platform.indicators.services.common import validation_message


def clean_and_save(obj, **save_kwargs) -> None:
    """`full_clean()` then save, turning validation errors into a DomainError for users."""
    try:
        obj.full_clean()
    except ValidationError as error:
        extra = {"fields": error.message_dict} if hasattr(error, "error_dict") else {}
        raise DomainError(validation_message(error), extra=extra) from None
    obj.save(**save_kwargs)


def as_date(raw, *, name: str) -> date | None:
    if raw is None or raw == "":
        return None
    if isinstance(raw, date):
        return raw
    try:
        return date.fromisoformat(str(raw).strip())
    except ValueError:
        raise DomainError(f"{name} must be a date like 2025-04-01, not '{raw}'.") from None
