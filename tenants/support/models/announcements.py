from __future__ import annotations

from django.db import models
from django.utils import timezone

from ..domain.choices import AnnouncementKind


class Announcement(models.Model):
    """A banner shown on every page of the affected hosts between `starts_at` and `ends_at`:
    every organisation's (and the platform host's) when `organisation` is empty, else that one
    organisation's."""

    organisation = models.ForeignKey(
        "tenants.Organisation",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="announcements",
    )
    kind = models.CharField(max_length=16, choices=AnnouncementKind.choices)
    title = models.CharField(max_length=120)
    body = models.TextField(max_length=1000, blank=True)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    dismissible = models.BooleanField(default=True)
    created_by = models.EmailField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["starts_at", "id"]
        indexes = [models.Index(fields=["ends_at", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="announcement_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return self.title


class AnnouncementDismissal(models.Model):
    """A person (a user of `organisation`'s schema, by id) no longer wants to see it."""

    announcement = models.ForeignKey(
        Announcement, on_delete=models.CASCADE, related_name="dismissals"
    )
    organisation = models.ForeignKey("tenants.Organisation", on_delete=models.CASCADE)
    user_id = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["announcement", "organisation", "user_id"], name="one_dismissal_each"
            )
        ]

    def __str__(self) -> str:
        return f"Dismissal of {self.announcement_id} by user {self.user_id}"
