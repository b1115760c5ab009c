"""Runs of the managers' overdue-actions digest, and one row per recipient per run."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from ..domain.choices import DeliveryStatus


class DigestRun(models.Model):
    # One run per scheduled day: a restarted worker finds the run and carries on with it.
    scheduled_for = models.DateField(unique=True)
    started_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-scheduled_for"]

    def __str__(self) -> str:
        return f"Digest {self.scheduled_for}"


class DigestDelivery(models.Model):
    run = models.ForeignKey(DigestRun, on_delete=models.CASCADE, related_name="deliveries")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(max_length=8, choices=DeliveryStatus.choices)
    action_count = models.PositiveIntegerField()
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["run", "recipient"], name="one_digest_per_recipient")
        ]

    def __str__(self) -> str:
        return f"{self.run_id} -> {self.recipient_id} ({self.status})"
