"""Helpdesk API keys: issued only after the staff member proves a second factor there and
then (security-relevant; the helpdesk REST API refuses any other key, `rest.base`)."""

from __future__ import annotations

from django.db import transaction
from django_tenants.utils import get_public_schema_name, schema_context

from goldenthread.platform.accounts.models import ApiCredential, User
from goldenthread.platform.accounts.selectors.mfa import has_authenticator_app
from goldenthread.platform.accounts.services import api_credential_issue, api_credential_revoke
from goldenthread.platform.accounts.services.mfa import factor_require
from goldenthread.platform.core.errors import DomainError, NotFound, PermissionDenied
from goldenthread.tenants.models import HelpdeskApiKey, PlatformAuditAction
from goldenthread.tenants.services import platform_audit_record


def _require_staff(user: User) -> None:
    if not (user.is_authenticated and user.is_active and user.is_staff):
        raise PermissionDenied("Only helpdesk staff may have helpdesk API keys.")


def helpdesk_api_key_issue(*, user: User, name: str, code: str) -> tuple[ApiCredential, str]:
    """Issue a helpdesk API key to `user` (a staff member of the public schema): returns the
    credential and the raw key, shown once. Refused without an authenticator app, and
    without a current code from it typed now: a stolen password alone cannot mint a key.
    (A recovery code is not enough, as for changes to MFA itself.)"""
    with schema_context(get_public_schema_name()):
        _require_staff(user)
        if not has_authenticator_app(user=user):
            raise DomainError(
                "Set up an authenticator app on your account first: a helpdesk API key is "
                "issued only against a current code from it.",
                code="mfa_not_enrolled",
            )
        # The proof runs before the issue's own transaction (as `factor_require` asks).
        factor_require(user=user, code=code.strip())
        with transaction.atomic():
            credential, raw_key = api_credential_issue(user=user, name=name)
            HelpdeskApiKey.objects.create(credential=credential, proved_with="totp")
            platform_audit_record(
                actor=user.email,
                action=PlatformAuditAction.HELPDESK_API_KEY_ISSUED,
                organisation=None,
                detail={"key": credential.name, "prefix": credential.prefix},
            )
    return credential, raw_key


def helpdesk_api_key_list(*, user: User):
    """The staff member's own helpdesk keys, newest first."""
    with schema_context(get_public_schema_name()):
        return list(
            ApiCredential.objects.filter(user=user, helpdesk_key__isnull=False).order_by(
                "-created_at"
            )
        )


def helpdesk_api_key_revoke(*, user: User, credential_id: int) -> ApiCredential:
    """Revoke one of the staff member's own helpdesk keys: it stops working at once."""
    with schema_context(get_public_schema_name()):
        _require_staff(user)
        credential = ApiCredential.objects.filter(
            pk=credential_id, user=user, helpdesk_key__isnull=False
        ).first()
        if credential is None:
            raise NotFound("You have no helpdesk API key with that id.")
        with transaction.atomic():
            api_credential_revoke(credential=credential)
            platform_audit_record(
                actor=user.email,
                action=PlatformAuditAction.HELPDESK_API_KEY_REVOKED,
                organisation=None,
                detail={"key": credential.name, "prefix": credential.prefix},
            )
    return credential
