"""Announcements: those showing now on a host, and the helpdesk's list."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from ..models import Announcement, AnnouncementDismissal


def announcements_showing(*, organisation, user=None) -> list[Announcement]:
    """What the banner shows now on `organisation`'s host (None: the platform host): the
    platform-wide announcements and the organisation's own, within their window, less those
    this person dismissed. One query."""
    now = timezone.now()
    scope = Q(organisation__isnull=True)
    if organisation is not None:
        scope |= Q(organisation=organisation)
    rows = Announcement.objects.filter(scope, starts_at__lte=now, ends_at__gt=now)
    if organisation is not None and user is not None and user.is_authenticated:
        dismissed = AnnouncementDismissal.objects.filter(
            announcement=OuterRef("pk"), organisation=organisation, user_id=user.pk
        )
        rows = rows.exclude(Exists(dismissed) & Q(dismissible=True))
    return list(rows.order_by("starts_at", "id")[:5])


def announcement_list() -> QuerySet[Announcement]:
    """Every announcement for the helpdesk, latest end first, with its organisation."""
    return Announcement.objects.select_related("organisation").order_by("-ends_at", "-id")
