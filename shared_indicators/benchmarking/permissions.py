"""Who may do what in benchmarking. Every interface asks these; services enforce them.

The organisation on the request is the principal: a user acts for their own organisation only.
- A club's administering organisation's administrators manage the club: its rules, members,
  indicators and custom comparator groups.
- A member's administrators may also take their own organisation out of a club.
- A member's administrators and performance officers give and withdraw its consents.
- Any active user of a current member may read the club's comparisons.
"""

from __future__ import annotations

from goldenthread.platform.accounts.models import Role
from goldenthread.platform.core.errors import PermissionDenied

CONSENT_ROLES = (Role.ORGANISATION_ADMIN, Role.PERFORMANCE_OFFICER)


def is_active_user(user) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def can_administer_clubs(user) -> bool:
    return is_active_user(user) and user.has_role(Role.ORGANISATION_ADMIN)


def can_manage_consent(user) -> bool:
    return is_active_user(user) and user.has_role(*CONSENT_ROLES)


def require_club_admin(user, *, organisation, club) -> None:
    if club.administering_organisation_id != organisation.id or not can_administer_clubs(user):
        raise PermissionDenied(
            "Only administrators of the organisation that runs this club may change it."
        )


def require_consent_manager(user) -> None:
    if not can_manage_consent(user):
        raise PermissionDenied(
            "Only organisation administrators and performance officers may give or withdraw "
            "consent."
        )
