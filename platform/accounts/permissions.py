"""Who may administer the organisation's users. Pages and REST ask, services enforce.

* Only organisation administrators (active, within their access period) administer users.
* Nobody gives a role they do not hold themselves (themselves included): an administrator
  who is not an auditor cannot make someone an auditor, and so on.
* The organisation always keeps one active administrator (see `services.users`).
"""

from __future__ import annotations

from goldenthread.platform.core.errors import PermissionDenied

from .models import Role, User

# Roles whose holders must have an end date: their access is time-limited by nature.
TIME_LIMITED_ROLES = (Role.AUDITOR,)


def is_active_member(user: User | None) -> bool:
    """Signed in, not deactivated, and within any access end date."""
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and not getattr(user, "access_has_expired", False)
    )


def can_administer_users(user: User | None) -> bool:
    return is_active_member(user) and user.has_role(Role.ORGANISATION_ADMIN)


def require_administer_users(user: User | None) -> None:
    if not can_administer_users(user):
        raise PermissionDenied("Only organisation administrators may administer users.")


def roles_beyond(actor: User, roles: list[str] | tuple[str, ...] | set[str]) -> list[str]:
    """The roles in `roles` that `actor` does not hold, and so may not give."""
    return sorted(set(roles) - set(actor.roles))
