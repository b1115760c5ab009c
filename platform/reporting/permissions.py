"""Who may do what with report definitions and packs. Every interface asks these functions and
the services enforce them, so the rules live here once.

* organisation administrators and performance officers: create, change and archive report
  definitions (they own the organisation's reporting);
* every other active member (managers, verifiers, data providers, partner liaisons,
  councillors, auditors): read definitions, their versions and preview packs. A pack shows
  the organisation's performance, which every member may already read on the quarterly report
  page; data providers are not shut out of what their own figures feed into.
"""

from __future__ import annotations

from goldenthread.platform.accounts.models import Role, User
from goldenthread.platform.accounts.permissions import is_active_member
from goldenthread.platform.core.errors import PermissionDenied

WRITE_ROLES = (Role.ORGANISATION_ADMIN, Role.PERFORMANCE_OFFICER)


def can_read_reports(user: User) -> bool:
    return is_active_member(user)


def can_write_definitions(user: User) -> bool:
    return is_active_member(user) and user.has_role(*WRITE_ROLES)


def require_read(user: User) -> None:
    if not can_read_reports(user):
        raise PermissionDenied("You need to be a member of this organisation to read reports.")


def require_write(user: User) -> None:
    if not can_write_definitions(user):
        raise PermissionDenied(
            "Only performance officers and organisation administrators can change report "
            "definitions."
        )
