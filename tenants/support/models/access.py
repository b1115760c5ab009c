"""Consented support access and break-glass, the one-time hand-off, and the access log.

Helpdesk staff are users of the public schema; they are referred to by id and a copy of
their name and address, never by a foreign key: on an organisation's host the search path
puts the organisation's own `accounts_user` first, so a join would read the wrong table.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from ..domain.choices import AccessKind


class SupportAccess(models.Model):
    """One period in which one named helpdesk staff member may work on one organisation's
    host: a grant by the organisation's administrator, or break-glass approved by a second
    staff member. Live while approved, not revoked and before `ends_at`."""

    organisation = models.ForeignKey(
        "tenants.Organisation", on_delete=models.CASCADE, related_name="support_accesses"
    )
    kind = models.CharField(max_length=16, choices=AccessKind.choices)
    staff_id = models.BigIntegerField()
    staff_email = models.EmailField()
    staff_name = models.CharField(max_length=200)
    allow_write = models.BooleanField(default=False)
    reason = models.TextField(blank=True)
    # Grants: the administrator who granted (a user of the organisation's schema).
    granted_by_name = models.CharField(max_length=200, blank=True)
    granted_by_email = models.EmailField(blank=True)
    # Break-glass: how long it may last once approved, and the second staff member.
    hours = models.PositiveSmallIntegerField(null=True, blank=True)
    approved_by_email = models.EmailField(blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    ends_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.CharField(max_length=254, blank=True)
    # When the end (revocation or expiry) was acted on: the visitor's account deactivated
    # and, for emergency access that ran out, its end recorded (`services.access_close`).
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["organisation", "staff_id", "ends_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.staff_name}"

    def is_live(self, now=None) -> bool:
        now = now or timezone.now()
        return (
            self.approved_at is not None
            and self.revoked_at is None
            and self.ends_at is not None
            and now < self.ends_at
        )

    def state_label(self, now=None) -> str:
        now = now or timezone.now()
        if self.revoked_at is not None:
            return "Revoked"
        if self.approved_at is None:
            return "Waiting for a second approver"
        if self.ends_at is not None and now >= self.ends_at:
            return "Ended"
        return "Live"

    @property
    def access_label(self) -> str:
        return "Read and change" if self.allow_write else "Read only"


class SupportHandoff(models.Model):
    """A one-time, short-lived ticket from the helpdesk console to the organisation's host.
    Only a hash of the token is kept; it is used once."""

    access = models.ForeignKey(SupportAccess, on_delete=models.CASCADE, related_name="handoffs")
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Hand-off for access {self.access_id}"


class SupportAccessLogEntry(models.Model):
    """One request a helpdesk staff member made on an organisation's host (or was refused),
    shown to that organisation. Rows are only ever added."""

    access = models.ForeignKey(SupportAccess, on_delete=models.CASCADE, related_name="log")
    organisation = models.ForeignKey(
        "tenants.Organisation", on_delete=models.CASCADE, related_name="support_log"
    )
    staff_email = models.EmailField()
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=500)
    status_code = models.PositiveSmallIntegerField()
    refused = models.BooleanField(default=False)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["organisation", "-at"])]

    def __str__(self) -> str:
        return f"{self.method} {self.path} by {self.staff_email}"
