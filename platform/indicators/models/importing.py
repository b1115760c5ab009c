"""Imports of values and targets from CSV or XLSX files: one row per upload.

The file is kept with the job so that its preview and commit run on a Celery worker (never in
the web request that received it), always from the same bytes the uploader saw previewed.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ImportKind(models.TextChoices):
    VALUES = "values", "Values"
    TARGETS = "targets", "Targets"


class ImportStatus(models.TextChoices):
    PREVIEWING = "previewing", "Checking the file"
    PREVIEWED = "previewed", "Checked"
    COMMITTING = "committing", "Importing"
    COMMITTED = "committed", "Imported"
    FAILED = "failed", "Failed"


class ImportJob(models.Model):
    """An uploaded file, what checking it found, and how far its run on the worker has got.

    `problems` is a list of `{"row", "column", "message"}` (row None for the whole file);
    `changes` a list of `{"row", "code", "period", "sub_area", "kind", "old", "new"}` with
    kind new, changed or unchanged; `counts` sums them up. `preview_digest` fingerprints the
    changes the uploader was shown, so a commit refuses to write anything else.
    """

    kind = models.CharField(max_length=8, choices=ImportKind.choices)
    status = models.CharField(
        max_length=12, choices=ImportStatus.choices, default=ImportStatus.PREVIEWING
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_jobs"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    file_name = models.CharField(max_length=255)
    content = models.BinaryField()

    phase = models.CharField(max_length=40, blank=True)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    progress = models.PositiveSmallIntegerField(default=0)  # percent, 0-100

    counts = models.JSONField(default=dict, blank=True)
    problems = models.JSONField(default=list, blank=True)
    changes = models.JSONField(default=list, blank=True)
    preview_digest = models.CharField(max_length=64, blank=True)
    # Why the last commit wrote nothing (the data changed since the preview, or a failure).
    message = models.TextField(blank=True)
    previewed_at = models.DateTimeField(null=True, blank=True)
    committed_at = models.DateTimeField(null=True, blank=True)
    # When a worker claimed the current step (check or commit); empty while it waits for one
    # (`core.jobs`: the claim is one UPDATE from empty, so a duplicate delivery does nothing).
    started_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["created_by", "created_at"])]

    def __str__(self) -> str:
        return f"Import {self.pk} of {self.kind} ({self.status})"

    @property
    def is_running(self) -> bool:
        return self.status in (ImportStatus.PREVIEWING, ImportStatus.COMMITTING)

    @property
    def can_commit(self) -> bool:
        return (
            self.status == ImportStatus.PREVIEWED
            and not self.problems
            and bool(self.counts.get("new") or self.counts.get("changed"))
        )
