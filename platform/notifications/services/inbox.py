"""Reading one's notifications: marking them read."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from goldenthread.platform.accounts.models import User

from ..models import Notification
from ..selectors.inbox import notification_get_for


@transaction.atomic
def notification_mark_read(*, reader: User, notification_id: int) -> Notification:
    """Mark one of the reader's notifications read (NotFound for anyone else's); reading it
    again keeps the first time."""
    row = notification_get_for(reader=reader, notification_id=notification_id)
    if row.read_at is None:
        row.read_at = timezone.now()
        row.save(update_fields=["read_at"])
    return row


@transaction.atomic
def notifications_mark_all_read(*, reader: User) -> int:
    """Mark every unread notification of the reader read; returns how many."""
    return Notification.objects.filter(recipient=reader, read_at__isnull=True).update(
        read_at=timezone.now()
    )
