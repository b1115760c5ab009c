"""Setting a password (through an invitation's or a reset's one-time link): what else must
stop at the same moment, and the record of it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from ..models import User
from .sessions import user_sessions_end

if TYPE_CHECKING:
    from goldenthread.tenants.models import Organisation


@dataclass(frozen=True)
class PasswordSet:
    sessions_ended: int
    api_keys_revoked: int


@transaction.atomic
def password_set(
    *,
    user: User,
    password: str,
    revoke_api_keys: bool,
    organisation: Organisation | None,
    keep_session_key: str | None = None,
) -> PasswordSet:
    """Give `user` a new password they chose (already validated by the form), end their other
    sessions (security-relevant: whoever held one held the old password or a stolen cookie)
    and, when they ask, revoke all their API keys; record it in the platform audit log
    (who, which organisation, what ended — never the password or the link).
    """
    from goldenthread.tenants.models import PlatformAuditAction
    from goldenthread.tenants.services import platform_audit_record

    user.set_password(password)
    user.save(update_fields=["password"])
    sessions_ended = user_sessions_end(user=user, keep_session_key=keep_session_key)
    api_keys_revoked = 0
    if revoke_api_keys:
        api_keys_revoked = user.api_credentials.filter(revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
    platform_audit_record(
        actor=user.email,
        action=PlatformAuditAction.ACCOUNT_PASSWORD_SET,
        organisation=organisation,
        detail={
            "user": user.email,
            "sessions_ended": sessions_ended,
            "api_keys_revoked": api_keys_revoked,
            "api_keys_revocation_asked": revoke_api_keys,
        },
    )
    return PasswordSet(sessions_ended=sessions_ended, api_keys_revoked=api_keys_revoked)
