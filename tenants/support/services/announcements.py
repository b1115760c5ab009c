"""Announcements: helpdesk staff publish and end them; people dismiss them."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from goldenthread.platform.core.errors import DomainError, NotFound, PermissionDenied

from ..domain.choices import AnnouncementKind
from ..models import Announcement, AnnouncementDismissal
from ..permissions import is_helpdesk_staff, is_support_account


@transaction.atomic
def announcement_create(
    *,
    actor,
    kind: str,
    title: str,
    body: str = "",
    starts_at,
    ends_at,
    organisation=None,
    dismissible: bool = True,
) -> Announcement:
    """A banner on every page of every organisation's host (`organisation` None) or of one
    organisation's, from `starts_at` until `ends_at`."""
    if not is_helpdesk_staff(actor):
        raise PermissionDenied("Only helpdesk staff publish announcements.")
    problems = {}
    if kind not in AnnouncementKind.values:
        problems["kind"] = "Choose what kind of announcement this is."
    if not (title or "").strip():
        problems["title"] = "Enter the announcement's title."
    if starts_at is None or ends_at is None or ends_at <= starts_at:
        problems["ends_at"] = "The announcement must end after it starts."
    elif ends_at <= timezone.now():
        problems["ends_at"] = "The announcement must end in the future."
    if problems:
        raise DomainError(next(iter(problems.values())), extra={"fields": problems})
    return Announcement.objects.create(
        organisation=organisation,
        kind=kind,
        title=title.strip(),
        body=(body or "").strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        dismissible=dismissible,
        created_by=actor.email,
    )


@transaction.atomic
def announcement_end(*, actor, announcement_id: int) -> Announcement:
    """Takes a banner down now (its end moves to now; one not yet started ends as it starts)."""
    if not is_helpdesk_staff(actor):
        raise PermissionDenied("Only helpdesk staff end announcements.")
    row = Announcement.objects.select_for_update().filter(pk=announcement_id).first()
    if row is None:
        raise NotFound("There is no such announcement.")
    now = timezone.now()
    if row.ends_at > now:
        row.ends_at = max(now, row.starts_at + timedelta(microseconds=1))
        row.save(update_fields=["ends_at"])
    return row


@transaction.atomic
def announcement_dismiss(*, user, organisation, announcement_id: int) -> None:
    """This person no longer sees the banner (maintenance notices cannot be dismissed when
    the helpdesk said so)."""
    if not user.is_authenticated or is_support_account(user):
        raise PermissionDenied("Sign in to dismiss announcements.")
    row = Announcement.objects.filter(pk=announcement_id).first()
    if row is None or (row.organisation_id not in (None, organisation.pk)):
        raise NotFound("There is no such announcement.")
    if not row.dismissible:
        raise DomainError("This announcement cannot be dismissed.", code="invalid")
    AnnouncementDismissal.objects.get_or_create(
        announcement=row, organisation=organisation, user_id=user.pk
    )
