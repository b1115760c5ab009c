"""Account changes: creating users, issuing and revoking API credentials."""

from __future__ import annotations

import secrets

from django.db import connection, transaction
from django.utils import timezone

from goldenthread.platform.core.errors import DomainError

from .authentication import KEY_PREFIX
from .models import ApiCredential, Role, User, hash_api_key


def user_create(
    *,
    email: str,
    full_name: str,
    roles: list[str] | tuple[str, ...] = (),
    password: str | None = None,
    is_staff: bool = False,
) -> User:
    """Create a user in the current schema (an organisation's, or public for helpdesk staff)."""
    unknown = set(roles) - set(Role.values)
    if unknown:
        raise DomainError(f"Unknown role(s): {', '.join(sorted(unknown))}.")
    email = email.strip().lower()
    if User.objects.filter(email=email).exists():
        raise DomainError(f"A user with the e-mail address {email} already exists.")
    return User.objects.create_user(
        email, password, full_name=full_name, roles=list(roles), is_staff=is_staff
    )


@transaction.atomic
def api_credential_issue(*, user: User, name: str) -> tuple[ApiCredential, str]:
    """Issue a key for `user`; returns the credential and the raw key, which is shown once."""
    raw_key = f"{KEY_PREFIX}_{connection.schema_name}_{secrets.token_urlsafe(32).replace('_', '-')}"
    credential = ApiCredential.objects.create(
        user=user,
        name=name,
        prefix=raw_key[: len(raw_key) - 36],
        key_hash=hash_api_key(raw_key),
    )
    return credential, raw_key


def api_credential_revoke(*, credential: ApiCredential) -> None:
    credential.revoked_at = timezone.now()
    credential.save(update_fields=["revoked_at"])
