"""The record of sign-ins, failures, locks and reset requests (`AuthenticationEvent`)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from ..models import AuthenticationEvent, User

# Rows deleted per statement: an old organisation's first sweep may find a year of rows, and
# short statements keep locks and the write-ahead log small.
RETENTION_BATCH = 5_000


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


def authentication_events_delete_older_than(
    *, days: int, now: datetime | None = None, batch: int = RETENTION_BATCH
) -> int:
    """Delete the current schema's events recorded more than `days` days before `now` (the
    retention period, `AUTHENTICATION_EVENT_RETENTION_DAYS`); returns how many went. The
    record holds addresses and the e-mail addresses people typed: kept long enough to
    investigate, then gone."""
    if days < 1:
        raise ValueError("The retention period must be at least one day.")
    cutoff = (now or timezone.now()) - timedelta(days=days)
    old = AuthenticationEvent.objects.filter(created_at__lt=cutoff).order_by("id")
    deleted = 0
    while True:
        ids = list(old.values_list("id", flat=True)[:batch])
        if not ids:
            return deleted
        deleted += AuthenticationEvent.objects.filter(id__in=ids).delete()[0]
