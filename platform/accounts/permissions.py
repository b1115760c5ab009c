"""Who may administer the organisation's users. Pages and REST ask, services enforce.

* Only organisation administrators (active, within their access period) administer users.
* Administrators give others any role their work needs, but never raise themselves beyond
  the roles they hold (another administrator does that, audited).
* The organisation always keeps one active administrator (see `services.users`).
"""

from __future__ import annotations

from goldenthread.platform.core.errors import PermissionDenied

from .models import Role, User

# Platform staff (public schema) in this group are helpdesk leads: they also see the staff's
# sign-in history. A group, not a new role or flag, so no table changes; given with
# `goldenthread staff create --lead` or `goldenthread staff lead --email …`.
HELPDESK_LEAD_GROUP = "Helpdesk lead"

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
    """The roles in `roles` that `actor` does not hold, and so may not give THEMSELF.

    An administrator gives people whatever roles their work needs (data providers, verifiers,
    councillors, auditors: roles an administrator rarely holds), but never raises their own
    account beyond what they hold: a second administrator, who is audited, has to do that."""
    return sorted(set(roles) - set(actor.roles))


def is_helpdesk_lead(user: User | None) -> bool:
    """A helpdesk (staff) user in the lead group. Only meaningful in the public schema: the
    helpdesk console checks the host and schema before asking."""
    return bool(
        is_active_member(user)
        and user.is_staff
        and user.groups.filter(name=HELPDESK_LEAD_GROUP).exists()
    )
