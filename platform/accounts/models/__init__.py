"""Users and API credentials.

These tables exist in every schema: in the public schema they hold the platform's helpdesk
staff, in each organisation's schema that organisation's own users. A user therefore exists
in exactly one organisation, and signs in on that organisation's host.
"""

from __future__ import annotations

import hashlib

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone

from goldenthread.platform.core.deletion import SchemaConfinedDeletion, SchemaConfinedQuerySet


class Role(models.TextChoices):
    ORGANISATION_ADMIN = "org_admin", "Organisation administrator"
    PERFORMANCE_OFFICER = "performance_officer", "Performance officer"
    DATA_PROVIDER = "data_provider", "Data provider"
    VERIFIER = "verifier", "Verifier"
    MANAGER = "manager", "Manager"
    COUNCILLOR = "councillor", "Councillor"
    AUDITOR = "auditor", "Auditor"
    PARTNER_LIAISON = "partner_liaison", "Partner liaison"


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def get_queryset(self) -> SchemaConfinedQuerySet:
        # Deleting users follows only this schema's relations: most tables that point at a
        # user exist only in organisations' schemas (`core.deletion`).
        return SchemaConfinedQuerySet(self.model, using=self._db)

    def create_user(self, email: str, password: str | None = None, **fields) -> User:
        if not email:
            raise ValueError("A user needs an e-mail address")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> User:
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **fields)


class User(SchemaConfinedDeletion, AbstractBaseUser, PermissionsMixin):
    """A person who signs in: helpdesk staff in the public schema, an organisation's people in
    its schema. `delete()` stays in the schema the connection is on (`core.deletion`)."""

    email = models.EmailField(unique=True)
    full_name = models.CharField(max_length=200)
    roles = ArrayField(
        models.CharField(max_length=32, choices=Role.choices), default=list, blank=True
    )
    job_title = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(default=True)
    # Only meaningful in the public schema: helpdesk staff may use the console.
    is_staff = models.BooleanField(default=False)
    # Access ends at this moment (auditors and other time-limited accounts).
    access_expires_at = models.DateTimeField(null=True, blank=True)
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name", "email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    def has_role(self, *roles: str) -> bool:
        return bool(set(self.roles) & set(roles))

    @property
    def access_has_expired(self) -> bool:
        return self.access_expires_at is not None and self.access_expires_at <= timezone.now()

    def role_labels(self) -> list[str]:
        labels = dict(Role.choices)
        return [labels.get(code, code) for code in self.roles]


def hash_api_key(raw_key: str) -> str:
    return hashlib.sha256(raw_key.encode()).hexdigest()


class ApiCredential(SchemaConfinedDeletion, models.Model):
    """A key for the REST and GraphQL APIs that acts as one user of one organisation.

    Only a SHA-256 hash of the key is stored; the key itself is shown once, when issued. The
    key names its organisation's schema, so a key presented on another organisation's host is
    refused with a clear message rather than looked up there. Deleting one stays in the
    connection's schema (`core.deletion`): the public marks of helpdesk keys are out of reach.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_credentials")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=80, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = SchemaConfinedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class AuthenticationEventKind(models.TextChoices):
    SIGNED_IN = "signed_in", "Signed in"
    SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
    LOCKED = "locked", "Locked after repeated failures"
    REFUSED_WHILE_LOCKED = "refused_while_locked", "Refused while locked"
    PASSWORD_RESET_REQUESTED = "password_reset_requested", "Password reset requested"
    MFA_FAILED = "mfa_failed", "MFA code refused"
    SIGNED_OUT_EVERYWHERE = "signed_out_everywhere", "Signed out everywhere"
    PASSWORD_ACCEPTED = "password_accepted", "Password right, MFA code asked"
    RECOVERY_CODE_USED = "recovery_code_used", "Signed in with a recovery code"
    SECURITY_KEY_ADDED = "security_key_added", "Security key added"
    SECURITY_KEY_REMOVED = "security_key_removed", "Security key removed"
    # A key's signature counter went backwards: possibly a copied key; refused.
    SECURITY_KEY_CLONED = "security_key_cloned", "Security key refused: possible copy"
    SSO_SIGNED_IN = "sso_signed_in", "Signed in by single sign-on"
    SSO_ACCEPTED = "sso_accepted", "Single sign-on accepted, MFA code asked"
    SSO_REFUSED = "sso_refused", "Single sign-on refused"


class AuthenticationEvent(models.Model):
    """One sign-in, failure, lock or reset request, kept in the schema of the accounts it
    concerns (an organisation's, or public for helpdesk staff), so each organisation's history
    stays its own. Rows are only ever added.

    `email` is the address as typed (normalised to lower case), kept even when no such account
    exists: a lock is keyed by it, and a run of guesses at unknown addresses is worth seeing.
    """

    kind = models.CharField(max_length=32, choices=AuthenticationEventKind.choices)
    email = models.CharField(max_length=254, blank=True)
    user = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="authentication_events",
    )
    address = models.GenericIPAddressField(null=True, blank=True)
    # Which door ("sign_in", "mfa", "password_reset") and, for a lock, what was locked
    # ("account" or "address") and until when.
    detail = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["email", "-created_at"]),
            models.Index(fields=["user", "-created_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.email or '-'}"


# After User, which they name.
from .administration import OrganisationSettingChange, UserAuditEntry, UserImport  # noqa: E402
from .mfa import RecoveryCode, TotpDevice  # noqa: E402
from .sessions import SessionSettings  # noqa: E402
from .sso import SsoConfiguration, SsoLink  # noqa: E402
from .webauthn import SecurityKey  # noqa: E402

__all__ = [
    "ApiCredential",
    "AuthenticationEvent",
    "AuthenticationEventKind",
    "OrganisationSettingChange",
    "RecoveryCode",
    "Role",
    "SecurityKey",
    "SessionSettings",
    "SsoConfiguration",
    "SsoLink",
    "TotpDevice",
    "User",
    "UserAuditEntry",
    "UserImport",
    "UserManager",
    "hash_api_key",
]
