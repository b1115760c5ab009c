"""Report definitions, saved per organisation (in its schema) and versioned.

A definition is a name and a list of versions. Each save writes a new version, numbered from
1, holding the whole definition (`DefinitionSpec.as_data()`), who saved it and when; versions
are never changed or deleted, so a pack built from version 3 can always be explained, and the
versions are the definition's audit trail. Archiving hides a definition from the list (it is
recorded on the definition with who and when) and keeps every version.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from goldenthread.platform.core.errors import Conflict

from ..domain.definitions import DefinitionSpec


class ReportDefinition(models.Model):
    name = models.CharField(max_length=200)
    # The newest version's number (kept here so lists need no subquery).
    latest_version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    updated_at = models.DateTimeField(auto_now=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class ReportDefinitionVersion(models.Model):
    definition = models.ForeignKey(
        ReportDefinition, on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField()
    spec = models.JSONField()
    saved_at = models.DateTimeField(auto_now_add=True)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The name as it was printed when saved: the record still says who after an account goes.
    saved_by_name = models.CharField(max_length=300, blank=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["definition", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["definition", "number"], name="unique_report_definition_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.definition_id} v{self.number}"

    def save(self, *args, **kwargs) -> None:
        # Versions are written once: a change is a new version.
        if self.pk is not None:
            raise Conflict("A saved version of a report definition cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise Conflict("A version of a report definition cannot be deleted.")

    @property
    def parsed(self) -> DefinitionSpec:
        return DefinitionSpec.parse(self.spec)
