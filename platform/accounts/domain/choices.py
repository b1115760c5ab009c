"""Vocabularies of user administration (table-free)."""

from __future__ import annotations

from django.db import models


class UserAuditAction(models.TextChoices):
    INVITED = "invited", "Invited"
    ROLES_CHANGED = "roles_changed", "Roles changed"
    ACCESS_END_CHANGED = "access_end_changed", "Access end date changed"
    DEACTIVATED = "deactivated", "Deactivated"
    REACTIVATED = "reactivated", "Reactivated"
    SIGNED_OUT_EVERYWHERE = "signed_out_everywhere", "Signed out everywhere"
    MFA_RESET = "mfa_reset", "Multi-factor authentication reset"


class OrganisationSetting(models.TextChoices):
    """The organisation's security settings whose changes are audited
    (`OrganisationSettingChange`)."""

    IDLE_TIMEOUT = "idle_timeout_minutes", "Idle timeout"
    MFA_FOR_EVERYONE = "mfa_required_for_everyone", "Multi-factor authentication for everyone"


class UserImportStatus(models.TextChoices):
    PREVIEWED = "previewed", "Checked, not yet imported"
    COMMITTED = "committed", "Imported"


class UserState(models.TextChoices):
    """What the user list filters by: active, deactivated by an administrator, or (for
    time-limited accounts) past their end date."""

    ACTIVE = "active", "Active"
    DEACTIVATED = "deactivated", "Deactivated"
    EXPIRED = "expired", "Access ended"
