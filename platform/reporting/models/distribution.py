"""Frozen packs, the jobs that make them, schedules, distribution lists and deliveries (all in
the organisation's schema).

A `FrozenPack` is written once, whole (the Pack's JSON with the definition version, the
period, the data's as-at time, the committee and meeting date, who and when) and never
changed or deleted: `save()` of an existing row and `delete()` raise Conflict, and no service
updates one. (A database trigger would be stronger, but the organisation-schema copier does not
carry triggers, so the guard lives here and the tests try the ways round it.) Later corrections
to values therefore never reach a published pack, and every download renders from the stored
JSON.

A `PackRun` is the mutable job around it: queued, running (with progress), done (pointing at
its frozen pack) or failed (with the reason in words). A scheduled run is unique per schedule
and period, so a schedule runs at most once a quarter however often beat fires; a `PackDelivery`
is unique per pack and recipient, so each person gets one e-mail however often the worker
retries.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from goldenthread.platform.core.errors import Conflict

from .definitions import ReportDefinition

USER = settings.AUTH_USER_MODEL


class FrozenPack(models.Model):
    definition = models.ForeignKey(
        ReportDefinition, on_delete=models.PROTECT, related_name="frozen_packs"
    )
    definition_version = models.PositiveIntegerField()
    title = models.CharField(max_length=300)
    period_code = models.CharField(max_length=20, db_index=True)
    period_label = models.CharField(max_length=100)
    committee = models.CharField(max_length=200)
    meeting_date = models.DateField()
    as_at = models.DateTimeField()
    frozen_at = models.DateTimeField(auto_now_add=True, db_index=True)
    frozen_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Printed as it was, so the record still names who after an account goes ("Schedule" for
    # a scheduled run).
    frozen_by_name = models.CharField(max_length=300)
    pack = models.JSONField()  # Pack.to_json()
    # The frozen pack of the same definition before this one (what "changed since" compares).
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-frozen_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.title}, {self.period_label} ({self.committee}, {self.meeting_date})"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise Conflict("A frozen pack cannot be changed: freeze a new one instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise Conflict("A frozen pack cannot be deleted.")


class FrozenPackFile(models.Model):
    """A slow output of a frozen pack (PDF, Word), drawn once by the worker when the pack is
    frozen, so a download of a large pack never waits on a web request. Written with the pack,
    never changed."""

    frozen_pack = models.ForeignKey(FrozenPack, on_delete=models.PROTECT, related_name="files")
    format = models.CharField(max_length=10)
    content = models.BinaryField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["frozen_pack", "format"], name="unique_frozen_pack_file_format"
            )
        ]

    def __str__(self) -> str:
        return f"{self.frozen_pack_id}.{self.format}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise Conflict("A frozen pack's file cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise Conflict("A frozen pack's file cannot be deleted.")


class RunStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    RUNNING = "running", "Being generated"
    DONE = "done", "Ready"
    FAILED = "failed", "Failed"


class PackSchedule(models.Model):
    """A definition's schedule: its pack for each quarter, `working_days` working days after
    the quarter ends, for the named committee, sent to the definition's distribution list."""

    definition = models.OneToOneField(
        ReportDefinition, on_delete=models.CASCADE, related_name="schedule"
    )
    working_days = models.PositiveSmallIntegerField()
    committee = models.CharField(max_length=200)
    active = models.BooleanField(default=True)
    # Quarters due before this day are not run (a new schedule does not publish old packs).
    starts_on = models.DateField()
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.definition_id}: {self.working_days} working days after each quarter"


class PackRun(models.Model):
    definition = models.ForeignKey(ReportDefinition, on_delete=models.CASCADE, related_name="runs")
    definition_version = models.PositiveIntegerField()
    period_code = models.CharField(max_length=20)
    committee = models.CharField(max_length=200)
    meeting_date = models.DateField()
    schedule = models.ForeignKey(
        PackSchedule, null=True, blank=True, on_delete=models.SET_NULL, related_name="runs"
    )
    distribute = models.BooleanField(default=False)
    requested_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)
    phase = models.CharField(max_length=100, blank=True)
    error = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    frozen_pack = models.OneToOneField(
        FrozenPack, null=True, blank=True, on_delete=models.PROTECT, related_name="run"
    )

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["schedule", "period_code"],
                condition=models.Q(schedule__isnull=False),
                name="unique_scheduled_pack_run_per_period",
            )
        ]

    def __str__(self) -> str:
        return f"Run {self.pk} of {self.definition_id} for {self.period_code} ({self.status})"


class DistributionList(models.Model):
    """Who receives a definition's packs: everyone holding one of `roles`, and the people
    chosen by name (active members only, checked when sending)."""

    definition = models.OneToOneField(
        ReportDefinition, on_delete=models.CASCADE, related_name="distribution_list"
    )
    roles = models.JSONField(default=list)
    people = models.ManyToManyField(USER, blank=True, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"Distribution list of {self.definition_id}"


class PackDelivery(models.Model):
    """One e-mail of a frozen pack to one person: claimed (committed) before sending, marked
    sent after, so a retried task never sends it twice."""

    frozen_pack = models.ForeignKey(FrozenPack, on_delete=models.PROTECT, related_name="deliveries")
    recipient = models.ForeignKey(USER, null=True, on_delete=models.SET_NULL, related_name="+")
    email = models.EmailField()
    claimed_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    with_attachment = models.BooleanField(default=False)

    class Meta:
        ordering = ["email", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["frozen_pack", "recipient"], name="unique_pack_delivery_per_recipient"
            )
        ]

    def __str__(self) -> str:
        return f"{self.frozen_pack_id} to {self.email}"


class DistributionSettings(models.Model):
    """The organisation's one row of distribution settings: whether e-mails may carry the pack
    as an attachment (off by default: the link to the signed-in download is the safe way) and
    the largest attachment. Changes are recorded in `DistributionSettingChange`."""

    attachments_allowed = models.BooleanField(default=False)
    attachment_max_kb = models.PositiveIntegerField(default=5 * 1024)

    def __str__(self) -> str:
        return "Distribution settings"


class DistributionSettingChange(models.Model):
    at = models.DateTimeField(auto_now_add=True)
    actor = models.ForeignKey(
        USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_name = models.CharField(max_length=300)
    old = models.JSONField()
    new = models.JSONField()

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_name}"
