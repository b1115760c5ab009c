"""Reads about multi-factor authentication: who has it, and who must have it."""

from __future__ import annotations

from django.db import connection
from django_tenants.utils import get_public_schema_name

from ..models import RecoveryCode, Role, TotpDevice, User

ENROLLED = "on"
NOT_ENROLLED = "not set up"


def mfa_enrolled(*, user: User) -> bool:
    return TotpDevice.objects.filter(user=user).exists()


def mfa_state(*, user: User) -> str:
    """What the user list shows: uses the annotation of `user_list` when present."""
    enrolled = getattr(user, "mfa_enrolled", None)
    if enrolled is None:
        enrolled = mfa_enrolled(user=user)
    return ENROLLED if enrolled else NOT_ENROLLED


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
