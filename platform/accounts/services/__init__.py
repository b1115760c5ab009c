"""Account changes: creating users, issuing and revoking API credentials."""

from __future__ import annotations

import secrets
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import get_public_schema_name, schema_context

from goldenthread.platform.core.errors import Conflict, DomainError

from ..models import ApiCredential, Role, User, hash_api_key
from ..rest.authentication import KEY_PREFIX


def user_create(
    *,
    email: str,
    full_name: str,
    roles: list[str] | tuple[str, ...] = (),
    password: str | None = None,
    is_staff: bool = False,
    access_expires_at: datetime | None = None,
) -> User:
    """Create a user in the current schema (an organisation's, or public for helpdesk staff).

    Without a password the account cannot sign in until its owner sets one by password reset.
    """
    unknown = set(roles) - set(Role.values)
    if unknown:
        raise DomainError(f"Unknown role(s): {', '.join(sorted(unknown))}.")
    email = email.strip().lower()
    if User.objects.filter(email=email).exists():
        raise DomainError(f"A user with the e-mail address {email} already exists.")
    return User.objects.create_user(
        email,
        password,
        full_name=full_name.strip(),
        roles=list(roles),
        is_staff=is_staff,
        access_expires_at=access_expires_at,
    )


def staff_user_create(*, email: str, full_name: str, password: str | None = None) -> User:
    """Create a helpdesk user: a staff account in the public schema, which may use the
    helpdesk console on the platform's bare domain and nothing in any organisation."""
    with schema_context(get_public_schema_name()):
        return user_create(email=email, full_name=full_name, password=password, is_staff=True)


def staff_lead_set(*, email: str, lead: bool = True) -> User:
    """Make a helpdesk user a helpdesk lead (or no longer one): `HELPDESK_LEAD_GROUP`."""
    from django.contrib.auth.models import Group

    from ..permissions import HELPDESK_LEAD_GROUP

    with schema_context(get_public_schema_name()):
        user = User.objects.filter(email__iexact=email.strip(), is_staff=True).first()
        if user is None:
            raise DomainError(f"No helpdesk user has the e-mail address {email.strip()}.")
        group, _ = Group.objects.get_or_create(name=HELPDESK_LEAD_GROUP)
        if lead:
            user.groups.add(group)
        else:
            user.groups.remove(group)
        return user


@transaction.atomic
def api_credential_issue(*, user: User, name: str) -> tuple[ApiCredential, str]:
    """Issue a key for `user` in the current schema; returns the credential and the raw key.

    The raw key is shown once and never stored: only its hash is kept.
    """
    name = name.strip()
    if not name:
        raise ValidationError({"name": ["Name the key after what will use it."]})
    if not user.is_active or user.access_has_expired:
        raise DomainError(f"{user.email} is not active, so it cannot have API keys.")
    raw_key = f"{KEY_PREFIX}_{connection.schema_name}_{secrets.token_urlsafe(32).replace('_', '-')}"
    credential = ApiCredential(
        user=user,
        name=name,
        prefix=raw_key[: len(raw_key) - 36],
        key_hash=hash_api_key(raw_key),
    )
    credential.full_clean()
    credential.save()
    return credential, raw_key


def api_credential_revoke(*, credential: ApiCredential) -> ApiCredential:
    """Revoke a key: it stops working at once. Revoking twice is refused, not repeated."""
    if credential.revoked_at is not None:
        raise Conflict(f"The key '{credential.name}' was already revoked.")
    credential.revoked_at = timezone.now()
    credential.save(update_fields=["revoked_at"])
    return credential
