"""Multi-factor authentication: a user's authenticator app (TOTP) and recovery codes.

Both live in the schema of the user they belong to (an organisation's, or public for helpdesk
staff), next to the user.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class TotpDevice(models.Model):
    """The authenticator app a user confirmed (one per user). The secret must be readable to
    check codes, so it is stored as issued (like django-otp); recovery codes are hashed.

    `last_step` is the 30-second step of the last accepted code: a code is accepted only for
    a later step, so a code seen over someone's shoulder cannot be used again."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="totp_device"
    )
    secret = models.CharField(max_length=64)
    confirmed_at = models.DateTimeField()
    last_step = models.BigIntegerField(default=0)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Authenticator app of {self.user_id}"


class RecoveryCode(models.Model):
    """A single-use code for when the authenticator app is not to hand. Only a SHA-256 hash
    is stored (the codes are random, 50 bits each, and the MFA door locks after a few wrong
    tries); the codes are shown once, when made."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="recovery_codes"
    )
    code_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "code_hash"], name="unique_recovery_code")
        ]

    def __str__(self) -> str:
        return f"Recovery code of {self.user_id}"
