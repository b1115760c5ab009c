"""An organisation leaving the platform for good (its deletion's purge): what it takes out of
partnerships.

Called by `tenants.deletion` only, inside the purge's transaction, before the organisation's
row is deleted. Every agreement version it is a party to and that has not ended is revoked
(through `_end`, the same path a signatory's revocation takes, so what the version published
is withdrawn from the store), and the rows naming the organisation that would block deleting
it (memberships, invitations, signatures, cascaded targets, reminders, party lists) go.
Partnerships it leads go with it, but only when no other organisation is a member: one with
other members is a blocker the helpdesk must resolve before asking for deletion
(`departure_blockers`).
"""

from __future__ import annotations

from django.db import transaction

from goldenthread.tenants.models import Organisation

from ..domain.choices import FINAL_STATUSES, VersionStatus
from ..models import (
    AgreementAcceptance,
    AgreementVersion,
    CascadedTarget,
    Partnership,
    PartnershipInvitation,
    PartnershipMember,
    SubmissionReminder,
)

ACTOR = "platform:organisation-deleted"


def departure_blockers(*, organisation: Organisation) -> list[str]:
    """Why the organisation cannot leave yet: the partnerships it leads that have other
    members (their lead must be handed over or the partnership closed first)."""
    blockers = []
    for partnership in Partnership.objects.filter(lead_organisation=organisation):
        others = partnership.members.exclude(organisation=organisation).count()
        if others:
            blockers.append(
                f"it leads the partnership {partnership.name}, which has {others} other "
                f"member{'s' if others != 1 else ''}"
            )
    return blockers


def partners_of(*, organisation: Organisation) -> dict[int, list[str]]:
    """The other members of each partnership the organisation belongs to: organisation id ->
    the names of the partnerships they share (whom to tell when it leaves)."""
    partners: dict[int, list[str]] = {}
    memberships = PartnershipMember.objects.filter(
        partnership__members__organisation=organisation
    ).exclude(organisation=organisation)
    for member in memberships.select_related("partnership"):
        partners.setdefault(member.organisation_id, []).append(member.partnership.name)
    return partners


@transaction.atomic
def organisation_depart(*, organisation: Organisation) -> dict[str, int]:
    """Take the organisation out of every partnership (see the module docstring). Returns
    counts: agreement versions revoked, memberships ended, partnerships closed."""
    from .agreements import _end

    reason = f"{organisation.name} was deleted from Golden Thread."
    revoked = 0
    versions = (
        AgreementVersion.objects.select_for_update(of=("self",))
        .filter(parties=organisation)
        .exclude(status__in=FINAL_STATUSES)
        .exclude(status=VersionStatus.DRAFT)
        .select_related("agreement")
    )
    for version in versions:
        _end(
            version,
            status=VersionStatus.REVOKED,
            actor_email="",
            reason=reason,
            delete=version.delete_on_end,
        )
        revoked += 1
    # Its place on every version's party list (ended versions keep the reason above; drafts
    # simply lose a party) and its signatures.
    AgreementVersion.parties.through.objects.filter(organisation=organisation).delete()
    AgreementAcceptance.objects.filter(organisation=organisation).delete()
    CascadedTarget.objects.filter(organisation=organisation).delete()
    SubmissionReminder.objects.filter(organisation=organisation).delete()
    PartnershipInvitation.objects.filter(organisation=organisation).delete()
    led = Partnership.objects.filter(lead_organisation=organisation)
    closed = led.count()
    led.delete()
    memberships, _ = PartnershipMember.objects.filter(organisation=organisation).delete()
    return {
        "agreement_versions_revoked": revoked,
        "partnership_memberships_ended": memberships,
        "partnerships_closed": closed,
    }
