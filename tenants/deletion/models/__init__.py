"""An organisation's deletion, from request to purge (public schema).

The row outlives the organisation it concerns (`organisation` becomes NULL at the purge), so
it copies the organisation's name, slug and schema. It holds no content of the organisation:
who asked, when, why, when the purge may run and ran, and what it removed, by count.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class DeletionStatus(models.TextChoices):
    PENDING = "pending", "Waiting for the grace period to end"
    CANCELLED = "cancelled", "Cancelled"
    PURGED = "purged", "Purged"


class OrganisationDeletion(models.Model):
    organisation = models.ForeignKey(
        "tenants.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deletions",
    )
    organisation_name = models.CharField(max_length=200)
    organisation_slug = models.CharField(max_length=42)
    schema_name = models.CharField(max_length=63)
    status = models.CharField(
        max_length=12, choices=DeletionStatus.choices, default=DeletionStatus.PENDING
    )
    reason = models.CharField(max_length=500)
    requested_by = models.CharField(max_length=254)
    requested_at = models.DateTimeField()
    purge_after = models.DateTimeField()
    # Whether the organisation was already suspended when deletion was asked for, and why:
    # cancelling puts it back as it was, not simply active.
    was_suspended = models.BooleanField(default=False)
    previous_status_reason = models.CharField(max_length=500, blank=True)
    cancelled_by = models.CharField(max_length=254, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    purged_by = models.CharField(max_length=254, blank=True)
    purged_at = models.DateTimeField(null=True, blank=True)
    counts = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(status="pending"),
                name="deletion_one_pending_per_organisation",
            )
        ]
        indexes = [models.Index(fields=["status", "purge_after"])]

    def __str__(self) -> str:
        return f"Deletion of {self.organisation_slug} ({self.status})"
