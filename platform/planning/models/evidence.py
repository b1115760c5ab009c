"""Evidence documents attached to a PI, an action or a risk."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import connection, models


def evidence_path(instance: EvidenceDocument, filename: str) -> str:
    """`<schema>/evidence/<uuid>/<name>`: each organisation's files under its own folder,
    and a random folder so names never collide or reveal each other."""
    return f"{connection.schema_name}/evidence/{uuid.uuid4().hex}/{filename}"


class EvidenceDocument(models.Model):
    file = models.FileField(upload_to=evidence_path, max_length=500)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField()
    description = models.CharField(max_length=500, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    indicator = models.ForeignKey(
        "indicators.Indicator",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="evidence_documents",
    )
    action = models.ForeignKey(
        "planning.Action",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="evidence_documents",
    )
    risk = models.ForeignKey(
        "planning.Risk",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="evidence_documents",
    )

    class Meta:
        ordering = ["-uploaded_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(indicator__isnull=False, action__isnull=True, risk__isnull=True)
                    | models.Q(indicator__isnull=True, action__isnull=False, risk__isnull=True)
                    | models.Q(indicator__isnull=True, action__isnull=True, risk__isnull=False)
                ),
                name="evidence_attached_to_exactly_one",
            )
        ]

    def __str__(self) -> str:
        return self.original_name
