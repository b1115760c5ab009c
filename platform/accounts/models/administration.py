"""User administration by the organisation: its audit trail and its spreadsheet invitations.

Both live in the organisation's schema, next to its users.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from ..domain.choices import OrganisationSetting, UserAuditAction, UserImportStatus


class UserAuditEntry(models.Model):
    """One change to a user's account by an administrator (or by the platform): who, when,
    what, old → new. Rows are only ever added (`services.users.user_audit_record`)."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Kept as text too, so the trail still names people whose accounts were deleted.
    actor_email = models.CharField(max_length=254, blank=True)
    action = models.CharField(max_length=40, choices=UserAuditAction.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="administration_audit",
    )
    user_email = models.CharField(max_length=254)
    old = models.JSONField(null=True, blank=True)
    new = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "user audit entries"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_email} {self.action} {self.user_email}"


class OrganisationSettingChange(models.Model):
    """One change to the organisation's security settings (the idle timeout, MFA for
    everyone): who, when, old → new. Kept in the organisation's schema even for a setting
    stored on the public `Organisation` row, so the organisation's trail stays its own. Rows
    are only ever added (`services.organisation_settings.setting_change_record`)."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_email = models.CharField(max_length=254, blank=True)
    setting = models.CharField(max_length=40, choices=OrganisationSetting.choices)
    old = models.JSONField(null=True, blank=True)
    new = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_email} {self.setting}"


class UserImport(models.Model):
    """A spreadsheet of people to invite: kept as uploaded while the worker checks it, then
    checked (the preview) and later committed all at once. Once checked, the rows are kept
    and the file is let go: the commit checks the rows again, not the file."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="user_imports"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    file_name = models.CharField(max_length=255)
    status = models.CharField(
        max_length=20, choices=UserImportStatus.choices, default=UserImportStatus.CHECKING
    )
    # The uploaded bytes, until the worker has read them (the web never does).
    content = models.BinaryField(default=bytes, blank=True)
    # Why the check failed on the worker (an error of ours, logged), when it did.
    message = models.TextField(blank=True)
    # [{"row": 2, "full_name": …, "email": …, "roles": [...], "access_expires_at": iso|None}]
    rows = models.JSONField(default=list)
    # [{"row": 3, "message": "…"}]; a file with any problem cannot be committed.
    problems = models.JSONField(default=list)
    committed_at = models.DateTimeField(null=True, blank=True)
    # While it is checked: "Waiting for the queue (…)" when the broker could not be reached,
    # then what the worker is doing; `started_at` is when a worker claimed the check (empty
    # while it waits for one: `core.jobs`).
    phase = models.CharField(max_length=40, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    @property
    def is_running(self) -> bool:
        return self.status == UserImportStatus.CHECKING

    @property
    def can_commit(self) -> bool:
        return self.status == UserImportStatus.PREVIEWED and not self.problems and bool(self.rows)
