"""Security keys and passkeys (WebAuthn credentials) used as a second factor.

Like the authenticator app, they live in the schema of the user they belong to. A key is
bound by the browser to the host it was registered on (the RP ID: the organisation's host, or
the public host for helpdesk staff), so a key works only where it was made.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models


class SecurityKey(models.Model):
    """One registered credential: its id and public key (COSE), never a secret.

    `sign_count` is the authenticator's signature counter as last seen: an authenticator
    that keeps one counts up on every use, so a count that goes backwards suggests a copy of
    the key (`domain.webauthn.counter_regressed`). `user_handle` is the random id given to the
    authenticator for this account (the same for all of a user's keys), never the e-mail."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="security_keys"
    )
    name = models.CharField(max_length=60)
    # base64url of the credential id the authenticator chose (at most 1,023 bytes).
    credential_id = models.CharField(max_length=1400, unique=True)
    public_key = models.BinaryField()
    sign_count = models.BigIntegerField(default=0)
    user_handle = models.CharField(max_length=100)
    transports = ArrayField(models.CharField(max_length=20), default=list, blank=True)
    # A passkey synced between devices (the authenticator says it may be backed up).
    backed_up = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "name"], name="unique_security_key_name")
        ]

    def __str__(self) -> str:
        return f"{self.name} of {self.user_id}"
