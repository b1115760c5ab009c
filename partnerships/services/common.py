"""Helpers the partnership services share."""

from __future__ import annotations

from datetime import date

from goldenthread.platform.core.errors import DomainError
from goldenthread.platform.core.validation import clean_and_save as clean_and_save


def as_date(raw, *, name: str) -> date | None:
    if raw is None or raw == "":
        return None
    if isinstance(raw, date):
        return raw
    try:
        return date.fromisoformat(str(raw).strip())
    except ValueError:
        raise DomainError(f"{name} must be a date like 2025-04-01, not '{raw}'.") from None
