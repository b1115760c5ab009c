"""Who may do what in a partnership. Services enforce these; pages and APIs ask them too.

The principal of every partnership operation is the requesting ORGANISATION (the host's
tenant) together with one of its users: users live in their organisation's schema, so a
partnership names organisations, never users, except signatories by e-mail.

- Any active user of a member organisation may read the partnership (what it may see of
  other members' data is decided by the agreements, not here).
- Managers of the lead organisation (administrators, performance officers, partner liaison)
  run the partnership: members, shared indicators and targets, agreements, reminders.
- Membership commits an organisation, so only its ADMINISTRATORS (`org_admin`) form a
  partnership, invite organisations to it, accept or decline an invitation for their own
  organisation, and name who signs for it. Partner liaison officers and performance officers
  run a partnership day to day (indicators, targets, agreement drafts, reminders) but cannot
  join their organisation to one or choose its signatories; otherwise a liaison officer
  could name themself signatory and sign for the organisation.
- Authorised signatories of a party (its administrators, or users its membership names as
  signatories) accept, suspend or revoke an agreement version for that party.
"""

from __future__ import annotations

from goldenthread.platform.accounts.models import Role, User
from goldenthread.platform.core.errors import NotFound, PermissionDenied
from goldenthread.tenants.models import Organisation

from .domain.choices import MemberRole
from .models import Partnership, PartnershipMember

MANAGER_ROLES = (Role.ORGANISATION_ADMIN, Role.PERFORMANCE_OFFICER, Role.PARTNER_LIAISON)


MEMBERSHIP_ROLES = (Role.ORGANISATION_ADMIN,)


def is_active_user(user: User | None) -> bool:
    return bool(user is not None and user.is_authenticated and user.is_active)


def membership_of(partnership: Partnership, organisation: Organisation) -> PartnershipMember | None:
    return PartnershipMember.objects.filter(
        partnership=partnership, organisation=organisation
    ).first()


def require_member(
    partnership: Partnership, organisation: Organisation, user: User | None
) -> PartnershipMember:
    """The organisation's membership; a non-member is told the partnership does not exist,
    so that partnerships' names do not leak to outsiders."""
    membership = membership_of(partnership, organisation) if is_active_user(user) else None
    if membership is None:
        raise NotFound("There is no such partnership.")
    return membership


def can_manage_partnership(
    partnership: Partnership, organisation: Organisation, user: User | None
) -> bool:
    return (
        is_active_user(user)
        and partnership.lead_organisation_id == organisation.pk
        and user.has_role(*MANAGER_ROLES)
    )


def require_manage(partnership: Partnership, organisation: Organisation, user: User) -> None:
    require_member(partnership, organisation, user)
    if not can_manage_partnership(partnership, organisation, user):
        raise PermissionDenied(
            "Only the lead organisation's administrators, performance officers and partner "
            "liaison officers may change the partnership."
        )


def can_manage_membership(user: User | None) -> bool:
    """May this user commit their own organisation to partnerships (form, join, invite,
    name signatories)?"""
    return is_active_user(user) and user.has_role(*MEMBERSHIP_ROLES)


def require_membership_admin(user: User | None, doing: str) -> None:
    if not can_manage_membership(user):
        raise PermissionDenied(f"Only your organisation's administrators may {doing}.")


def require_lead_membership_admin(
    partnership: Partnership, organisation: Organisation, user: User | None, doing: str
) -> None:
    """The lead organisation's administrators only; a non-member is told nothing exists."""
    require_member(partnership, organisation, user)
    if partnership.lead_organisation_id != organisation.pk:
        raise PermissionDenied(f"Only the lead organisation may {doing}.")
    require_membership_admin(user, doing)


def is_signatory(membership: PartnershipMember | None, user: User | None) -> bool:
    if membership is None or not is_active_user(user):
        return False
    if user.has_role(Role.ORGANISATION_ADMIN):
        return True
    return user.email.lower() in {email.lower() for email in membership.signatory_emails}


def contributes(membership: PartnershipMember) -> bool:
    """Observers read; leads and members contribute figures."""
    return membership.role != MemberRole.OBSERVER


ACCESS_LOG_ROLES = (*MANAGER_ROLES, Role.AUDITOR)


def can_read_access_log(user: User | None) -> bool:
    """Who may see which other organisations read this organisation's data."""
    return is_active_user(user) and user.has_role(*ACCESS_LOG_ROLES)
