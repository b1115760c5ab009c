"""Who may do what with notifications: every active person of the organisation reads and
manages their own, and nobody anyone else's (the selectors take the reader, so another
person's notification is simply not found)."""

from __future__ import annotations

from goldenthread.platform.accounts.models import User


def can_have_notifications(user: User) -> bool:
    return bool(user and user.is_authenticated and user.is_active)
