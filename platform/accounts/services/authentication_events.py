"""The record of sign-ins, failures, locks and reset requests (`AuthenticationEvent`)."""

from __future__ import annotations

from typing import Any

from ..models import AuthenticationEvent, User


def authentication_event_record(
    *,
    kind: str,
    email: str,
    address: str | None,
    user: User | None = None,
    detail: dict[str, Any] | None = None,
) -> AuthenticationEvent:
    """Add one row in the current schema (the organisation whose door was knocked on).

    Written whatever happens to the request afterwards: a refused sign-in is the very thing
    to keep, so this is not tied to a transaction the caller might roll back."""
    return AuthenticationEvent.objects.create(
        kind=kind,
        email=(email or "").strip().lower()[:254],
        user=user,
        address=address or None,
        detail=detail or {},
    )
