"""Helpers the planning services share."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models

from goldenthread.platform.core.validation import clean_and_save as clean_and_save

from ..errors import DomainError


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
