"""The account audit trail as a sheet for `core.exporting` (administrators only, as its page)."""

from __future__ import annotations

import json

from django.db.models import QuerySet

from goldenthread.platform.core.exporting import Sheet, column_datetime, column_text

from ..models import UserAuditEntry

USER_AUDIT_COLUMNS = (
    column_datetime("When"),
    column_text("Who", width=30),
    column_text("What", width=24),
    column_text("Account", width=30),
    column_text("Before", width=50),
    column_text("After", width=50),
)


def _shown(data) -> str:
    if data in (None, "", {}, []):
        return ""
    if isinstance(data, dict):
        return "; ".join(f"{key}: {value}" for key, value in data.items())
    return json.dumps(data, ensure_ascii=False)


def user_audit_sheet(*, entries: QuerySet[UserAuditEntry], title: str = "Account changes"):
    """Entries from `user_audit_list` (which refuses anyone but an administrator)."""
    rows = (
        (
            entry.at,
            entry.actor_email or "The platform",
            entry.get_action_display(),
            entry.user_email,
            _shown(entry.old),
            _shown(entry.new),
        )
        for entry in entries.iterator(chunk_size=2000)
    )
    return Sheet(title, USER_AUDIT_COLUMNS, rows)
