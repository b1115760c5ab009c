"""Helpers the planning services share."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from ..errors import DomainError


def validation_message(error: ValidationError) -> str:
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


def refuse_unknown_fields(fields: Mapping[str, Any], allowed: Iterable[str]) -> None:
    unknown = sorted(set(fields) - set(allowed))
    if unknown:
        raise DomainError(f"These fields cannot be set here: {', '.join(unknown)}.")


def apply_fields(obj: models.Model, fields: Mapping[str, Any]) -> list[str]:
    """Set plain fields (a related user or object may be given as the object)."""
    changed = []
    for name, value in fields.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed.append(name)
    return changed


def unique_code(model: type[models.Model], code: str, *, exclude_pk: int | None = None) -> str:
    code = (code or "").strip()
    if not code:
        raise DomainError("A code is required.")
    qs = model.objects.filter(code__iexact=code)
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    if qs.exists():
        raise DomainError(f"The code {code} is already used; choose another.", code="duplicate")
    return code
