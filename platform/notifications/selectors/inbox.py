"""A person's own notifications. Every read takes the reader: another person's notification
is not found, exactly like one that does not exist."""

from __future__ import annotations

from django.db.models import QuerySet

from goldenthread.platform.accounts.models import User
from goldenthread.platform.core.errors import NotFound

from ..models import Notification


def notification_list(*, reader: User, unread_only: bool = False) -> QuerySet[Notification]:
    rows = Notification.objects.filter(recipient=reader)
    if unread_only:
        rows = rows.filter(read_at__isnull=True)
    return rows.order_by("-created_at", "-id")


def notification_get_for(*, reader: User, notification_id: int) -> Notification:
    """The reader's notification, or NotFound (also for someone else's)."""
    row = Notification.objects.filter(recipient=reader, pk=notification_id).first()
    if row is None:
        raise NotFound("There is no such notification.")
    return row


def unread_count(*, reader: User) -> int:
    return Notification.objects.filter(recipient=reader, read_at__isnull=True).count()
