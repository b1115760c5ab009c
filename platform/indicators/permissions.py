"""Who may do what with indicators. Every interface asks these functions; services enforce them.

Roles (`accounts.Role`): performance officers and organisation administrators manage PIs,
targets and settings and may reopen approved values; data providers enter and submit values for
the PIs that name them as providers; verifiers approve or send back submitted values; managers,
councillors and auditors read. Every active user of the organisation may read its PIs.
"""

from __future__ import annotations

from goldenthread.platform.accounts.models import Role, User
from goldenthread.platform.core.errors import PermissionDenied

MANAGER_ROLES = (Role.ORGANISATION_ADMIN, Role.PERFORMANCE_OFFICER)


def can_read(user: User) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def can_manage_indicators(user: User) -> bool:
    return can_read(user) and user.has_role(*MANAGER_ROLES)


def is_data_provider_for(user: User, indicator) -> bool:
    """True when `user` is one of the PI's data providers (uses a prefetch when present)."""
    cache = getattr(indicator, "_prefetched_objects_cache", {})
    if "data_providers" in cache:
        return any(provider.pk == user.pk for provider in cache["data_providers"])
    return indicator.data_providers.filter(pk=user.pk).exists()


def can_enter_values(user: User, indicator) -> bool:
    if not can_read(user):
        return False
    if user.has_role(*MANAGER_ROLES):
        return True
    return user.has_role(Role.DATA_PROVIDER) and is_data_provider_for(user, indicator)


def can_comment(user: User, indicator) -> bool:
    return can_enter_values(user, indicator) or (
        can_read(user) and indicator.owner_id is not None and indicator.owner_id == user.pk
    )


def can_verify(user: User) -> bool:
    return can_read(user) and user.has_role(Role.VERIFIER)


def require_manage(user: User) -> None:
    if not can_manage_indicators(user):
        raise PermissionDenied(
            "Only performance officers and organisation administrators may do this."
        )


def require_enter(user: User, indicator) -> None:
    if not can_enter_values(user, indicator):
        raise PermissionDenied(
            f"You are not a data provider for {indicator.code}, so you cannot enter or submit "
            "its values."
        )


def require_verify(user: User) -> None:
    if not can_verify(user):
        raise PermissionDenied("Only a verifier may approve or send back values.")
