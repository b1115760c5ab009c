"""Reads about multi-factor authentication: who has it (an authenticator app, security keys
or both), and who must have it."""

from __future__ import annotations

from django.db import connection
from django_tenants.utils import get_public_schema_name

from ..domain.webauthn import factors_in_words
from ..models import RecoveryCode, Role, SecurityKey, TotpDevice, User

NOT_ENROLLED = factors_in_words(app=False, keys=0)


def has_authenticator_app(*, user: User) -> bool:
    return TotpDevice.objects.filter(user=user).exists()


def mfa_enrolled(*, user: User) -> bool:
    """A second factor is set up: the authenticator app or at least one security key."""
    return has_authenticator_app(user=user) or SecurityKey.objects.filter(user=user).exists()


def mfa_factors_in_words(*, user: User) -> str:
    return factors_in_words(
        app=has_authenticator_app(user=user),
        keys=SecurityKey.objects.filter(user=user).count(),
    )


def mfa_state(*, user: User) -> str:
    """What the user list shows (`authenticator app, 2 security keys`, or `not set up`):
    uses the annotations of `user_list` when present."""
    app = getattr(user, "mfa_enrolled", None)
    keys = getattr(user, "security_key_count", None)
    if app is None or keys is None:
        return mfa_factors_in_words(user=user)
    return factors_in_words(app=app, keys=keys)


def security_key_list(*, user: User):
    """The user's own keys, oldest first, with when each was last used."""
    return SecurityKey.objects.filter(user=user).order_by("created_at", "id")


def recovery_codes_left(*, user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


def mfa_required(*, user: User) -> bool:
    """Helpdesk staff (the public schema's users) and organisation administrators must use
    MFA; everyone must where their organisation says so."""
    if connection.schema_name == get_public_schema_name():
        return True
    if user.has_role(Role.ORGANISATION_ADMIN):
        return True
    organisation = getattr(connection, "tenant", None)
    return bool(getattr(organisation, "mfa_required_for_everyone", False))
