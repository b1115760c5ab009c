"""Inviting organisations into a partnership, and their answers.

    lead's administrator invites ──▶ pending ──the organisation's administrator accepts──▶ member
                                     pending ──declines──▶ declined;  ──lead withdraws──▶ withdrawn

Only acceptance makes the organisation a member, with the signatories its own administrator
names (the lead's proposal is a starting point, never binding on the other organisation).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from goldenthread.platform.accounts.models import User
from goldenthread.platform.core.errors import Conflict, DomainError, NotFound
from goldenthread.tenants.models import Organisation, OrganisationStatus
from goldenthread.tenants.sharing import require_sharing_organisation

from ..domain.choices import InvitationStatus, MemberRole
from ..models import Partnership, PartnershipInvitation, PartnershipMember
from ..permissions import require_lead_membership_admin, require_membership_admin
from .common import clean_and_save
from .partnerships import signatory_emails_clean


def _field_error(field: str, message: str, code: str = "invalid") -> DomainError:
    return DomainError(message, extra={"fields": {field: [message]}}, code=code)


@transaction.atomic
def partnership_invite(
    *,
    partnership: Partnership,
    organisation: Organisation,
    actor: User,
    invitee: Organisation,
    role: str = MemberRole.MEMBER,
    signatory_emails: Iterable[str] | str = (),
    message: str = "",
) -> PartnershipInvitation:
    """Invite an active organisation on the platform to join, as a member or an observer,
    proposing who might sign for it. The lead organisation's administrators only."""
    require_lead_membership_admin(partnership, organisation, actor, "invite organisations")
    if role not in (MemberRole.MEMBER, MemberRole.OBSERVER):
        raise _field_error(
            "role", "Invite an organisation as a member or an observer; the lead is fixed."
        )
    require_sharing_organisation(invitee)
    if invitee.status != OrganisationStatus.ACTIVE:
        raise _field_error("organisation", f"{invitee.name} cannot be invited.")
    if PartnershipMember.objects.filter(partnership=partnership, organisation=invitee).exists():
        raise Conflict(
            f"{invitee.name} is already a member of {partnership.name}.",
            extra={"fields": {"organisation": ["Already a member."]}},
        )
    if PartnershipInvitation.objects.filter(
        partnership=partnership, organisation=invitee, status=InvitationStatus.PENDING
    ).exists():
        raise Conflict(
            f"{invitee.name} has already been invited and has not replied yet.",
            extra={"fields": {"organisation": ["Already invited."]}},
        )
    invitation = PartnershipInvitation(
        partnership=partnership,
        organisation=invitee,
        role=role,
        proposed_signatory_emails=signatory_emails_clean(signatory_emails),
        message=(message or "").strip(),
        invited_by=actor.email,
    )
    clean_and_save(invitation)
    return invitation


def _lock_pending(invitation: PartnershipInvitation) -> PartnershipInvitation:
    invitation = (
        PartnershipInvitation.objects.select_for_update(of=("self",))
        .select_related("partnership", "organisation")
        .get(pk=invitation.pk)
    )
    if invitation.status != InvitationStatus.PENDING:
        raise Conflict(
            f"This invitation has already been {invitation.get_status_display().lower()}.",
            code="already_answered",
        )
    return invitation


def _require_invitee(invitation: PartnershipInvitation, organisation: Organisation) -> None:
    # Another organisation is told the invitation does not exist: invitations name who is
    # being asked to join what, which is the two organisations' business.
    if invitation.organisation_id != organisation.pk:
        raise NotFound("There is no such invitation.")


def _answer(invitation: PartnershipInvitation, status: str, actor: User, note: str) -> None:
    invitation.status = status
    invitation.responded_by = actor.email
    invitation.responded_at = timezone.now()
    invitation.response_note = (note or "").strip()
    invitation.save(update_fields=["status", "responded_by", "responded_at", "response_note"])


@transaction.atomic
def invitation_accept(
    *,
    invitation: PartnershipInvitation,
    organisation: Organisation,
    actor: User,
    signatory_emails: Iterable[str] | str | None = None,
) -> PartnershipMember:
    """Join the partnership the organisation was invited to, with the role it was offered
    and the signatories its administrator names (the lead's proposal when none are given)."""
    _require_invitee(invitation, organisation)
    require_membership_admin(actor, "accept an invitation to a partnership")
    require_sharing_organisation(organisation)
    invitation = _lock_pending(invitation)
    signatories = signatory_emails_clean(
        invitation.proposed_signatory_emails if signatory_emails is None else signatory_emails
    )
    if PartnershipMember.objects.filter(
        partnership=invitation.partnership, organisation=organisation
    ).exists():
        raise Conflict(f"{organisation.name} is already a member of {invitation.partnership}.")
    membership = PartnershipMember(
        partnership=invitation.partnership,
        organisation=organisation,
        role=invitation.role,
        signatory_emails=signatories,
    )
    clean_and_save(membership)
    _answer(invitation, InvitationStatus.ACCEPTED, actor, "")
    return membership


@transaction.atomic
def invitation_decline(
    *,
    invitation: PartnershipInvitation,
    organisation: Organisation,
    actor: User,
    reason: str = "",
) -> PartnershipInvitation:
    """Decline to join; the lead sees the answer (and the reason, if one is given)."""
    _require_invitee(invitation, organisation)
    require_membership_admin(actor, "decline an invitation to a partnership")
    invitation = _lock_pending(invitation)
    _answer(invitation, InvitationStatus.DECLINED, actor, reason)
    return invitation


@transaction.atomic
def invitation_withdraw(
    *, invitation: PartnershipInvitation, organisation: Organisation, actor: User
) -> PartnershipInvitation:
    """The lead takes back an invitation that has not been answered."""
    require_lead_membership_admin(
        invitation.partnership, organisation, actor, "withdraw an invitation"
    )
    invitation = _lock_pending(invitation)
    _answer(invitation, InvitationStatus.WITHDRAWN, actor, "")
    return invitation
