"""Who may export, import, back up and restore.

An organisation's whole data leaves the platform in an export, so only its active
administrators may ask for one and download it on its host. The helpdesk may ask for one
only with the organisation's request written down as the reason (audited), and only a
helpdesk lead: backups and restores, which touch a whole schema, are leads' work too.
"""

from __future__ import annotations

from goldenthread.platform.accounts.models import Role
from goldenthread.platform.accounts.permissions import is_active_member, is_helpdesk_lead
from goldenthread.platform.core.errors import PermissionDenied


def can_export_organisation(user) -> bool:
    """An active administrator of the organisation whose schema the request is in."""
    return bool(is_active_member(user) and user.has_role(Role.ORGANISATION_ADMIN))


def require_export_organisation(user) -> None:
    if not can_export_organisation(user):
        raise PermissionDenied("Only the organisation's administrators may export its data.")


def can_run_platform_archives(user) -> bool:
    """A helpdesk lead (public-schema staff in the lead group)."""
    return is_helpdesk_lead(user)


def require_platform_archives(user) -> None:
    if not can_run_platform_archives(user):
        raise PermissionDenied(
            "Only helpdesk leads may export, back up or restore an organisation."
        )
