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
    CREATED_BY_SSO = "created_by_sso", "Created at first single sign-on"
    SSO_CONFIGURATION_CHANGED = "sso_configuration_changed", "Single sign-on settings changed"
    SSO_UNLINKED = "sso_unlinked", "Single sign-on identity unlinked"


class OrganisationSetting(models.TextChoices):
    """The organisation's security settings whose changes are audited
    (`OrganisationSettingChange`)."""

    IDLE_TIMEOUT = "idle_timeout_minutes", "Idle timeout"
    MFA_FOR_EVERYONE = "mfa_required_for_everyone", "Multi-factor authentication for everyone"


class UserImportStatus(models.TextChoices):
    CHECKING = "checking", "Checking the file"
    PREVIEWED = "previewed", "Checked, not yet imported"
    COMMITTED = "committed", "Imported"
    FAILED = "failed", "Failed"


class UserState(models.TextChoices):
    """What the user list filters by: active, deactivated by an administrator, or (for
    time-limited accounts) past their end date."""

    ACTIVE = "active", "Active"
    DEACTIVATED = "deactivated", "Deactivated"
    EXPIRED = "expired", "Access ended"


class SsoProtocol(models.TextChoices):
    """How the organisation's people sign in with their own identity provider."""

    OFF = "off", "Off (passwords only)"
    OIDC = "oidc", "OpenID Connect (for example Microsoft Entra ID)"
    SAML = "saml", "SAML 2.0"


class SsoRefusal(models.TextChoices):
    """Why a person the identity provider vouched for was not signed in (kept with the
    `AuthenticationEvent`; the refused page says it in words)."""

    NOT_CONFIGURED = "not_configured", "Single sign-on is not set up for this organisation"
    NO_EMAIL = "no_email", "The identity provider sent no usable e-mail address"
    NOT_INVITED = "not_invited", "Not invited to this organisation"
    DEACTIVATED = "deactivated", "Account deactivated"
    ACCESS_ENDED = "access_ended", "Access has ended"
    LOCKED = "locked", "Account or address locked after repeated failures"
    OTHER_IDENTITY = "other_identity", "Account linked to another identity at the provider"
    INVALID_RESPONSE = "invalid_response", "The identity provider's answer failed its checks"
    PROVIDER_ERROR = "provider_error", "The identity provider reported an error"
