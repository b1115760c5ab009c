"""Exports, imports, backups and inspection copies of organisations.

All of them live in the public schema (this is a shared app), beside the organisations, so
they survive whatever happens to an organisation's own schema — a restore included.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class RunStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Being written"
    DONE = "done", "Ready to download"
    FAILED = "failed", "Failed"


class RequestedVia(models.TextChoices):
    ORGANISATION = "organisation", "The organisation's administrator"
    HELPDESK = "helpdesk", "The helpdesk, on the organisation's request"


class ExportRun(models.Model):
    """One export of an organisation to an archive file, written by a worker.

    `requested_by` is an e-mail address: organisation users live in their own schema and
    helpdesk staff in the public one, so neither can be a foreign key here."""

    organisation = models.ForeignKey(
        "tenants.Organisation", on_delete=models.CASCADE, related_name="export_runs"
    )
    requested_by = models.CharField(max_length=254)
    requested_via = models.CharField(max_length=16, choices=RequestedVia.choices)
    reason = models.CharField(max_length=500, blank=True)
    requested_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    phase = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # Relative to settings.ARCHIVE_DIR.
    file_name = models.CharField(max_length=300, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["organisation", "-requested_at"])]

    def __str__(self) -> str:
        return f"Export {self.pk} of {self.organisation_id} ({self.status})"

    @property
    def is_running(self) -> bool:
        return self.status in (RunStatus.QUEUED, RunStatus.RUNNING)


class BackupTrigger(models.TextChoices):
    SCHEDULED = "scheduled", "Scheduled"
    MANUAL = "manual", "Taken by hand"


class OrganisationBackup(models.Model):
    """A `pg_dump --format=custom --schema=<schema>` file of one organisation's schema."""

    organisation = models.ForeignKey(
        "tenants.Organisation",
        null=True,
        on_delete=models.SET_NULL,
        related_name="backups",
    )
    schema_name = models.CharField(max_length=63)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.CharField(max_length=254)
    trigger = models.CharField(max_length=10, choices=BackupTrigger.choices)
    # Relative to settings.BACKUP_DIR.
    file_name = models.CharField(max_length=300)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    # The schema's migration history when dumped: an in-place restore needs the same.
    migrations = models.JSONField(default=list)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["organisation", "-created_at"])]

    def __str__(self) -> str:
        return f"Backup of {self.schema_name} at {self.created_at:%Y-%m-%d %H:%M}"


class RestoredCopy(models.Model):
    """A backup restored beside the live organisation, under a schema of its own, for
    someone to inspect (and copy rows back from) before it is dropped."""

    backup = models.ForeignKey(OrganisationBackup, on_delete=models.PROTECT, related_name="copies")
    schema_name = models.CharField(max_length=63, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.CharField(max_length=254)
    dropped_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.schema_name


class RestoreKind(models.TextChoices):
    IN_PLACE = "in_place", "In place"
    COPY = "copy", "As a copy for inspection"


class RestoreRun(models.Model):
    """One restore asked for in the console or its REST API, carried out by a worker (a
    restore runs pg_restore and psql for as long as the schema takes, which is no work for a
    web request). The page and the API read its state and progress from here."""

    organisation = models.ForeignKey(
        "tenants.Organisation", on_delete=models.CASCADE, related_name="restore_runs"
    )
    backup = models.ForeignKey(
        OrganisationBackup, on_delete=models.PROTECT, related_name="restore_runs"
    )
    kind = models.CharField(max_length=10, choices=RestoreKind.choices)
    requested_by = models.CharField(max_length=254)
    requested_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    phase = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # What the restore left: the safety backup taken before an in-place restore, or the copy.
    safety_backup = models.ForeignKey(
        OrganisationBackup, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    copy = models.ForeignKey(
        RestoredCopy, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["organisation", "-requested_at"])]
        constraints = [
            # One restore of an organisation at a time, held by the database: two leads
            # pressing the button together cannot queue two.
            models.UniqueConstraint(
                fields=["organisation"],
                condition=models.Q(status__in=["queued", "running"]),
                name="archive_one_restore_at_a_time",
            )
        ]

    def __str__(self) -> str:
        return f"Restore {self.pk} of {self.organisation_id} ({self.kind}, {self.status})"

    @property
    def is_running(self) -> bool:
        return self.status in (RunStatus.QUEUED, RunStatus.RUNNING)


class ImportStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Being imported"
    DONE = "done", "Imported"
    FAILED = "failed", "Failed"


class ImportRun(models.Model):
    """One archive uploaded in the console or the helpdesk REST API to become a NEW
    organisation, imported by a worker (`services.import_runs`). The web request only stores
    the file and records the run; the worker checks and imports it, all or nothing, and
    writes here what happened: the organisation made, or the refusal naming the problem.

    `name` and `slug` are what the helpdesk asked for (the command's `--name` and `--slug`);
    the schema and host follow from the slug. The uploaded file is deleted once the run has
    finished, whatever the outcome: it holds an organisation's whole data."""

    name = models.CharField(max_length=200)
    slug = models.CharField(max_length=42)
    requested_by = models.CharField(max_length=254)
    requested_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(
        max_length=10, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(default=0)
    phase = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    # The upload as received: relative to settings.ARCHIVE_DIR (empty once deleted).
    original_name = models.CharField(max_length=200, blank=True)
    file_name = models.CharField(max_length=300, blank=True)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    organisation = models.ForeignKey(
        "tenants.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="import_runs",
    )

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            # One import into a slug at a time: two uploads for the same new organisation
            # cannot both be waiting for the worker.
            models.UniqueConstraint(
                fields=["slug"],
                condition=models.Q(status__in=["queued", "running"]),
                name="archive_one_import_per_slug_at_a_time",
            )
        ]

    def __str__(self) -> str:
        return f"Import {self.pk} as {self.slug} ({self.status})"

    @property
    def is_running(self) -> bool:
        return self.status in (ImportStatus.QUEUED, ImportStatus.RUNNING)
